//! Helpers shared by integration tests (each test file is its own crate and includes this).

use std::path::PathBuf;

/// `../shared/corpus` beside the project, or `None` (and a note) so a test skips cleanly.
pub fn corpus() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}
