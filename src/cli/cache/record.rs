//! Which files linting one file read through the linter's [`FileReader`] (a campaign config's
//! template): the cache keeps their paths with the entry and checks their contents on the
//! next run. Recorded per thread in a stack of frames, one per file being linted: when rayon
//! runs another file's lint on this thread while one waits (work stealing nests), the inner
//! lint pushes and pops its own frame and the outer one's reads stay its own.

use crate::engine::FileReader;
use crate::workspace::walk;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

thread_local! {
    static FRAMES: RefCell<Vec<Vec<PathBuf>>> = const { RefCell::new(Vec::new()) };
}

/// The disk reader the linter uses by default, noting each path in the current frame.
pub fn recording_reader() -> FileReader {
    FileReader::new(|path: &Path| {
        FRAMES.with(|f| {
            if let Some(frame) = f.borrow_mut().last_mut() {
                frame.push(path.to_path_buf());
            }
        });
        walk::read_referenced(path)
    })
}

/// Runs `work`, returning what it returned and the paths read through [`recording_reader`].
pub fn reads_of<T>(work: impl FnOnce() -> T) -> (T, Vec<PathBuf>) {
    FRAMES.with(|f| f.borrow_mut().push(Vec::new()));
    // Pop the frame even when `work` unwinds, so the stack stays balanced.
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            FRAMES.with(|f| f.borrow_mut().pop());
        }
    }
    let pop = Pop;
    let out = work();
    let mut reads = FRAMES.with(|f| f.borrow_mut().last_mut().map(std::mem::take).unwrap_or_default());
    drop(pop);
    reads.sort();
    reads.dedup();
    (out, reads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_frames_keep_their_own_reads() {
        let reader = recording_reader();
        let ((inner, ()), outer) = reads_of(|| {
            let _ = reader.read(Path::new("/nonexistent/a"));
            let inner = reads_of(|| {
                let _ = reader.read(Path::new("/nonexistent/b"));
            });
            let _ = reader.read(Path::new("/nonexistent/c"));
            (inner.1, ())
        });
        assert_eq!(inner, vec![PathBuf::from("/nonexistent/b")]);
        assert_eq!(
            outer,
            vec![PathBuf::from("/nonexistent/a"), PathBuf::from("/nonexistent/c")]
        );
        // Outside any frame nothing is recorded and nothing breaks.
        let _ = reader.read(Path::new("/nonexistent/d"));
    }
}
