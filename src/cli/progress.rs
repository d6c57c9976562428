//! The progress bar of a long `check`: on stderr, only for a person at a terminal, and only
//! once the run has taken a second, so quick runs and anything a program reads stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar appears; `INBOXLINT_PROGRESS_DELAY_MS` changes it
/// (0 shows it at once, which is how the terminal test sees it without a slow lint).
const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// Whether a bar may be drawn: stderr is a terminal a person watches, not a CI log (CI
/// systems set `CI`, Azure Pipelines `TF_BUILD`) nor a dumb terminal, and no `--quiet`.
pub fn wanted(stderr_is_terminal: bool, quiet: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    stderr_is_terminal && !quiet && !set("CI") && !set("TF_BUILD") && env("TERM").as_deref() != Some("dumb")
}

pub struct Progress {
    bar: ProgressBar,
    enabled: bool,
    shown: AtomicBool,
    start: Instant,
    delay: Duration,
}

impl Progress {
    /// A bar over `total` files, drawn only if `enabled` and the run outlasts the delay.
    pub fn new(total: usize, enabled: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} linting {pos}/{len} files {wide_bar} {elapsed}") {
            bar.set_style(style);
        }
        let delay = std::env::var("INBOXLINT_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis);
        Progress {
            bar,
            enabled,
            shown: AtomicBool::new(false),
            start: Instant::now(),
            delay,
        }
    }

    /// One more file linted.
    pub fn tick(&self) {
        self.bar.inc(1);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= self.delay
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            // Draw now: the next tick may be the last, which clears instead of drawing.
            self.bar.tick();
        }
    }

    /// Wipes the bar so the report starts on a clean line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn only_on_a_terminal_outside_ci() {
        assert!(wanted(true, false, env(&[("TERM", "xterm-256color")])));
        assert!(!wanted(false, false, env(&[])), "piped or redirected");
        assert!(!wanted(true, true, env(&[])), "--quiet");
        assert!(!wanted(true, false, env(&[("CI", "true")])));
        assert!(!wanted(true, false, env(&[("TF_BUILD", "True")])));
        assert!(!wanted(true, false, env(&[("TERM", "dumb")])));
        assert!(
            wanted(true, false, env(&[("CI", "false")])),
            "CI=false is a person's shell"
        );
        assert!(wanted(true, false, env(&[("CI", "")])));
    }
}
