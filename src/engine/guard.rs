//! A panic while linting one file must not take the run (or the editor's server) down: it
//! becomes an `internal/panic` finding on that file and the other files are still linted. The
//! CLI and the LSP share this guard, so the finding has one id and one wording everywhere.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Once, OnceLock};

/// Rule id of the finding a caught panic becomes.
pub const RULE: &str = "internal/panic";

/// Hidden test hook: panic while linting any file with this exact file name. The integration
/// tests need a real panic inside the real binary to prove it is caught and reported.
pub const FORCE_PANIC_ENV: &str = "INBOXLINT_TEST_PANIC_FILE";

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Panics inside [`guarded`] are recorded for the report instead of printed to stderr; any other
/// panic (a bug outside the per-file work) still goes to the default hook.
fn install_hook() {
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = format!("{}{location}", payload_text(info.payload()));
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(message));
            } else {
                default(info);
            }
        }));
    });
}

fn payload_text(payload: &dyn Any) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Run `work`; a panic becomes `Err(message)` describing where it happened.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    GUARDED.with(|g| g.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(false));
    outcome.map_err(|payload| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| payload_text(&*payload))
    })
}

/// The test hook's file name, read once per process.
fn forced_panic_file() -> Option<&'static std::ffi::OsStr> {
    static NAME: OnceLock<Option<std::ffi::OsString>> = OnceLock::new();
    NAME.get_or_init(|| std::env::var_os(FORCE_PANIC_ENV).filter(|v| !v.is_empty()))
        .as_deref()
}

/// Panic here when the test hook names this file.
pub fn panic_if_forced(path: &Path) {
    if forced_panic_file().is_some_and(|name| path.file_name() == Some(name)) {
        panic!("forced by {FORCE_PANIC_ENV} for this file");
    }
}

/// The finding a caught panic becomes.
pub fn panic_diagnostic(message: &str) -> Diagnostic {
    Diagnostic::new(
        RULE,
        Severity::Error,
        format!(
            "inboxlint crashed while linting this file ({message}); the other files were linted; please report this bug"
        ),
        Span::empty(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_message_and_later_work_runs() {
        let caught = guarded(|| -> u8 { panic!("boom in {}", "parser") });
        let message = caught.expect_err("the panic is caught");
        assert!(message.starts_with("boom in parser at "), "{message}");
        assert!(message.contains("guard.rs"), "{message}");
        assert_eq!(guarded(|| 7), Ok(7));
    }
}
