//! What can go wrong in a run, in one place: each kind says what failed, where (the
//! file, and its line when there is one) and what to do about it, and maps to the exit
//! code SPEC §3 gives it (every error is `2`; findings are `1`). The message is built
//! where the failure is understood; `tests/cli.rs` holds a user's view of a few.

use std::path::PathBuf;

/// An error that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration file (`apimigrate.toml`, or a file it names) is wrong: which
    /// file, which line when known, and which key or value.
    #[error("{}", located(.file.display(), *.line, .message))]
    Config {
        file: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A rule pack cannot be read or is invalid.
    #[error("{}", located(.file, *.line, .message))]
    RulePack {
        file: String,
        line: Option<usize>,
        message: String,
    },
    /// A command-line value is wrong (a missing file, a rule code that matches nothing).
    #[error("{0}")]
    Usage(String),
    /// An input could not be read, or is not text.
    #[error("{0}")]
    Read(String),
    /// An input could not be parsed (a baseline, a Postman environment).
    #[error("{0}")]
    Parse(String),
    /// An output (a rewritten file, a report, a baseline) could not be written.
    #[error("{0}")]
    Write(String),
    /// `git` failed or is not available (`--diff-base`).
    #[error("{0}")]
    Git(String),
}

impl Error {
    /// The process exit code for this error (SPEC §3).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config { .. }
            | Error::RulePack { .. }
            | Error::Usage(_)
            | Error::Read(_)
            | Error::Parse(_)
            | Error::Write(_)
            | Error::Git(_) => crate::cli::EXIT_ERROR,
        }
    }
}

/// `file:line: message`, or `file: message` when the line is not known.
fn located(file: impl std::fmt::Display, line: Option<usize>, message: &str) -> String {
    match line {
        Some(l) => format!("{file}:{l}: {message}"),
        None => format!("{file}: {message}"),
    }
}

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Error {
        Error::Config {
            file: e.file,
            line: e.line,
            message: e.message,
        }
    }
}

impl From<crate::rules::RuleFileError> for Error {
    fn from(e: crate::rules::RuleFileError) -> Error {
        Error::RulePack {
            file: e.file,
            line: e.line,
            message: e.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file_and_line() {
        let e = Error::Config {
            file: PathBuf::from("apimigrate.toml"),
            line: Some(3),
            message: "unknown key `selct`".into(),
        };
        assert_eq!(e.to_string(), "apimigrate.toml:3: unknown key `selct`");
        assert_eq!(e.exit_code(), 2);
        let e = Error::RulePack {
            file: "packs/x.toml".into(),
            line: None,
            message: "no [vendor] table".into(),
        };
        assert_eq!(e.to_string(), "packs/x.toml: no [vendor] table");
    }
}
