//! Writing fixed files: atomically (a temporary file in the same folder, then a
//! swap), keeping the byte-order mark, permissions, owner and group, writing through
//! a symbolic link to its target (the link stays a link), and never over a file that
//! changed on disk since it was read — not even when the change lands while the file
//! is being replaced.
//!
//! The swap is a compare-and-swap: the current file is first moved aside (an atomic
//! rename), then compared with what was read; only when it is unchanged does the new
//! text take its place, by a hard link that fails if someone created the file again
//! in the meantime. An edit written into the moved-aside file by a program that held
//! it open is noticed afterwards and put back. In every such case the other program's
//! text is what stays on disk, and the write is reported as
//! [`WriteError::ChangedOnDisk`].

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum WriteError {
    /// The file on disk is no longer what was read: someone else changed it.
    ChangedOnDisk,
    /// The rewritten file could not be given the original's owner and group.
    Owner(std::io::Error),
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::ChangedOnDisk => {
                f.write_str("the file changed on disk since it was read; not overwritten")
            }
            WriteError::Owner(e) => write!(
                f,
                "cannot give the rewritten file the original's owner and group ({e}); not overwritten"
            ),
            WriteError::Io(e) => write!(f, "cannot write: {e}"),
        }
    }
}

/// Replaces `path`'s contents with `text` (plus a BOM when `bom`), provided the file still
/// holds exactly `expected` bytes.
pub fn write_fixed(path: &Path, expected: &[u8], text: &str, bom: bool) -> Result<(), WriteError> {
    write_fixed_with(path, expected, text, bom, || {})
}

/// [`write_fixed`], calling `before_swap` once the new text is ready and just before
/// the file is replaced (the tests edit the file there, as a concurrent program would).
pub fn write_fixed_with(
    path: &Path,
    expected: &[u8],
    text: &str,
    bom: bool,
    before_swap: impl FnOnce(),
) -> Result<(), WriteError> {
    // A symbolic link is kept: its target is the file that is fixed.
    let target = resolve_links(path).map_err(WriteError::Io)?;
    let current = std::fs::read(&target).map_err(WriteError::Io)?;
    if current != expected {
        return Err(WriteError::ChangedOnDisk);
    }
    let meta = std::fs::metadata(&target).map_err(WriteError::Io)?;
    let dir = target
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
    keep_owner(tmp.as_file(), &meta)?;
    // After the owner: changing it may clear the set-user-ID and set-group-ID bits.
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(WriteError::Io)?;
    tmp.as_file().sync_all().map_err(WriteError::Io)?;
    before_swap();
    swap(&target, expected, tmp.path(), dir)
}

/// `path` with every symbolic link along it resolved (a chain of links too).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        std::fs::canonicalize(path)
    } else {
        Ok(path.to_path_buf())
    }
}

#[cfg(unix)]
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> Result<(), WriteError> {
    use std::os::unix::fs::MetadataExt;
    let now = file.metadata().map_err(WriteError::Io)?;
    if now.uid() == original.uid() && now.gid() == original.gid() {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()))
        .map_err(WriteError::Owner)
}

#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _original: &std::fs::Metadata) -> Result<(), WriteError> {
    Ok(())
}

/// Puts the file at `fresh` in the place of `target`, provided `target` still holds
/// `expected` (see the module documentation).
fn swap(target: &Path, expected: &[u8], fresh: &Path, dir: &Path) -> Result<(), WriteError> {
    let aside = tempfile::Builder::new()
        .prefix(".apimigrate-")
        .suffix(".orig")
        .make_in(dir, |p| {
            // Only the name is wanted: the rename below creates the file.
            Ok(p.to_path_buf())
        })
        .map_err(WriteError::Io)?;
    std::fs::rename(target, &aside).map_err(WriteError::Io)?;
    let put_back = || {
        // Someone may have created the file again: theirs stays.
        let _ = std::fs::hard_link(&aside, target).or_else(|_| {
            if target.exists() {
                Ok(())
            } else {
                std::fs::rename(&aside, target)
            }
        });
        let _ = std::fs::remove_file(&aside);
    };
    match std::fs::read(&aside) {
        Ok(moved) if moved == expected => {}
        Ok(_) => {
            put_back();
            return Err(WriteError::ChangedOnDisk);
        }
        Err(e) => {
            put_back();
            return Err(WriteError::Io(e));
        }
    }
    match std::fs::hard_link(fresh, target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // A new file was saved under the name while the old one was aside.
            let _ = std::fs::remove_file(&aside);
            return Err(WriteError::ChangedOnDisk);
        }
        // No hard links on this file system: a plain rename, checked first.
        Err(_) if !target.exists() => {
            if let Err(e) = std::fs::rename(fresh, target) {
                put_back();
                return Err(WriteError::Io(e));
            }
        }
        Err(e) => {
            put_back();
            return Err(WriteError::Io(e));
        }
    }
    // A program that held the old file open may have written to it since it was
    // compared: its text wins.
    let late = std::fs::read(&aside).is_ok_and(|moved| moved != expected);
    if late {
        let _ = std::fs::rename(&aside, target);
        return Err(WriteError::ChangedOnDisk);
    }
    let _ = std::fs::remove_file(&aside);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

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
        assert_eq!(entries(dir.path()), ["a.js"]);
    }

    #[test]
    fn an_edit_saved_just_before_the_swap_is_kept_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.js");
        std::fs::write(&p, "old\n").unwrap();
        // An editor that saves by replacing the file.
        let r = write_fixed_with(&p, b"old\n", "fixed\n", false, || {
            std::fs::write(dir.path().join("x"), "theirs\n").unwrap();
            std::fs::rename(dir.path().join("x"), &p).unwrap();
        });
        assert!(matches!(r, Err(WriteError::ChangedOnDisk)), "{r:?}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "theirs\n");
        assert_eq!(entries(dir.path()), ["a.js"]);
        // An editor that writes into the file it has open.
        std::fs::write(&p, "old\n").unwrap();
        let r = write_fixed_with(&p, b"old\n", "fixed\n", false, || {
            std::fs::write(&p, "in place\n").unwrap();
        });
        assert!(matches!(r, Err(WriteError::ChangedOnDisk)), "{r:?}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "in place\n");
        assert_eq!(entries(dir.path()), ["a.js"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_fixed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lib")).unwrap();
        let real = dir.path().join("lib/real.js");
        std::fs::write(&real, "old\n").unwrap();
        let link = dir.path().join("link.js");
        std::os::unix::fs::symlink("lib/real.js", &link).unwrap();
        write_fixed(&link, b"old\n", "new\n", false).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new\n");
        assert_eq!(entries(&dir.path().join("lib")), ["real.js"]);
    }

    #[cfg(unix)]
    #[test]
    fn owner_group_and_mode_are_kept_when_run_as_root() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        std::fs::write(&p, "old\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let me = std::fs::metadata(&p).unwrap();
        // Only root can hand a file to someone else; otherwise the file stays ours.
        let (uid, gid) = if me.uid() == 0 {
            (4321, 8765)
        } else {
            (me.uid(), me.gid())
        };
        if me.uid() == 0 {
            std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        }
        write_fixed(&p, b"old\n", "new\n", false).unwrap();
        let after = std::fs::metadata(&p).unwrap();
        assert_eq!((after.uid(), after.gid()), (uid, gid));
        assert_eq!(after.permissions().mode() & 0o7777, 0o640);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
    }
}
