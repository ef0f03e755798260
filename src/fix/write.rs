//! Writing fixed files: atomically (a temporary file in the same folder, then a
//! rename), keeping permissions and the byte-order mark, and never over a file that
//! changed on disk since it was read.

use std::io::Write;
use std::path::Path;

#[derive(Debug)]
pub enum WriteError {
    /// The file on disk is no longer what was read: someone else changed it.
    ChangedOnDisk,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("the file changed on disk since it was read; not overwritten")
            }
            WriteError::Io(e) => write!(f, "cannot write: {e}"),
        }
    }
}

/// Replaces `path`'s contents with `text` (plus a BOM when `bom`), provided the file still
/// holds exactly `expected` bytes.
pub fn write_fixed(path: &Path, expected: &[u8], text: &str, bom: bool) -> Result<(), WriteError> {
    let current = std::fs::read(path).map_err(WriteError::Io)?;
    if current != expected {
        return Err(WriteError::ChangedOnDisk);
    }
    let meta = std::fs::metadata(path).map_err(WriteError::Io)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".apimigrate-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(WriteError::Io)?;
    if bom {
        tmp.write_all(b"\xEF\xBB\xBF").map_err(WriteError::Io)?;
    }
    tmp.write_all(text.as_bytes()).map_err(WriteError::Io)?;
    tmp.as_file().sync_all().map_err(WriteError::Io)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(WriteError::Io)?;
    tmp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_permissions_and_bom_and_refuses_stale_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.js");
        std::fs::write(&p, b"\xEF\xBB\xBFold\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o754)).unwrap();
        }
        write_fixed(&p, b"\xEF\xBB\xBFold\r\n", "new\r\n", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"\xEF\xBB\xBFnew\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o754
            );
        }
        assert!(matches!(
            write_fixed(&p, b"something else", "x", false),
            Err(WriteError::ChangedOnDisk)
        ));
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
