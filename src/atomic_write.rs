//! Every file inboxlint writes (baseline, `init`'s config, fixes, caches, reports) goes
//! through here, so a kill, a full disk or a second inboxlint writing the same file never
//! leaves half a file: the bytes go to a temp file beside the target (same filesystem, so the
//! rename is atomic), are synced, and the temp file is renamed over the target. Readers see the
//! old file or the new one; of two concurrent writers, one complete file wins.
//!
//! The target's permission bits are kept. A symlink at the target is replaced by the file, not
//! followed: writing through a link a repository planted could overwrite anything.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    file.write_all(first)?;
    pause_if_asked();
    file.write_all(rest)?;
    file.commit()
}

/// Test hook: with this set to a path, every write stops halfway through its temp file,
/// creates that path and waits a minute, so a test can kill the process in mid-write and see
/// that the target is untouched.
const PAUSE_ENV: &str = "INBOXLINT_TEST_PAUSE_WRITE";

fn pause_if_asked() {
    if let Some(marker) = std::env::var_os(PAUSE_ENV) {
        let _ = std::fs::write(marker, b"");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// A file being written: [`Write`] into it, then [`AtomicFile::commit`]. Dropped without a
/// commit (an error, a panic), it leaves the target untouched and removes its temp file.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        // Names unique per process and call, so concurrent writers never share a temp file;
        // create_new refuses a name that exists (a leftover or a planted symlink) and the next
        // one is tried.
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut temp_name = std::ffi::OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
            let temp = dir.join(temp_name);
            match open_new(&temp) {
                Ok(file) => {
                    return Ok(AtomicFile {
                        target: path.to_path_buf(),
                        temp,
                        file: Some(file),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temp file name beside the target",
        ))
    }

    /// Sync the bytes, give the file the target's permissions, and rename it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(mut file) = self.file.take() else {
            return Err(io::Error::other("already committed"));
        };
        file.flush()?;
        if let Ok(meta) = std::fs::symlink_metadata(&self.target)
            && meta.is_file()
        {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.target)?;
        sync_dir(&self.target);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(unix)]
fn open_new(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // 0o666 less the umask: what a plain create would give a new file.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(path)
}

#[cfg(not(unix))]
fn open_new(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// Make the rename itself durable. Best effort: not every platform can sync a directory.
fn sync_dir(target: &Path) {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn writes_replaces_and_leaves_no_temp_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out.json");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn an_uncommitted_file_leaves_the_target_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("out.json");
        write(&path, b"old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_permissions_and_replaces_a_symlink_instead_of_following_it() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("baseline.json");
        write(&path, b"x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&path, b"y").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);

        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let link = tmp.path().join("link.json");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write(&link, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "new");
        assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }

    #[test]
    fn concurrent_writers_leave_one_whole_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("shared");
        let writers: Vec<_> = [b'a', b'b', b'c']
            .into_iter()
            .map(|byte| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        write(&path, &vec![byte; 256 * 1024]).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let left = std::fs::read(&path).unwrap();
        assert_eq!(left.len(), 256 * 1024);
        assert!(left.iter().all(|b| *b == left[0]));
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(write(&tmp.path().join("no/such/dir/f"), b"x").is_err());
    }
}
