use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Format;

/// A progress bar on stderr that appears only when the run has taken a
/// second, only on a terminal, and never around JSON output; cheap to
/// update from several threads.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    running: Arc<Mutex<Vec<Running>>>,
}

/// A piece of work under way, for [`Progress::begin`].
struct Running {
    label: String,
    since: Instant,
    limit: Option<Duration>,
}

const DELAY: Duration = Duration::from_secs(1);

impl Progress {
    /// `noun`: what is counted ("files", "scenarios").
    pub fn new(format: Format, noun: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        let running: Arc<Mutex<Vec<Running>>> = Arc::default();
        let shown = running.clone();
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} [{{elapsed}}] {{bar:30}} {{pos}}/{{len}} {noun} {{running}}{{wide_msg}}"
            ))
            .expect("the template is valid")
            // Redrawn on every tick, so the time of what is running moves.
            .with_key("running", move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let running = shown.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(oldest) = running.iter().min_by_key(|r| r.since) {
                    let _ = write!(out, "{}", oldest.line(Instant::now()));
                }
            }),
        );
        let done = Arc::new(AtomicBool::new(false));
        if !format.is_json() && std::io::stderr().is_terminal() {
            let bar = bar.clone();
            let done = done.clone();
            // A detached timer: a run shorter than the delay never shows a
            // bar, and the process does not wait for this thread.
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !done.load(Ordering::Acquire) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar, done, running }
    }

    /// A bar never drawn, for `--quiet`.
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
            done: Arc::new(AtomicBool::new(true)),
            running: Arc::default(),
        }
    }

    /// More work became known.
    pub fn add(&self, n: u64) {
        self.bar.inc_length(n);
    }

    /// One piece of work started.
    pub fn started(&self, what: &str) {
        self.bar.set_message(what.to_string());
    }

    /// One piece of work started that may run up to `limit`: while it
    /// runs, the longest-running one is shown with its elapsed time (the
    /// one most likely stuck), its label first since a terminal cuts the
    /// end of the line.
    pub fn begin(&self, label: String, limit: Option<Duration>) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Running {
                label,
                since: Instant::now(),
                limit,
            });
    }

    /// The piece of work [`Progress::begin`] started under `label` ended.
    pub fn end(&self, label: &str) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = running.iter().position(|r| r.label == label) {
            running.remove(at);
        }
        drop(running);
        self.bar.inc(1);
    }

    /// One piece of work finished.
    pub fn finished(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Release);
        self.bar.finish_and_clear();
    }
}

impl Running {
    /// `shutdown_hang · shutdown under 3.12 · 41 s / 60 s timeout`.
    fn line(&self, now: Instant) -> String {
        let mut line = format!(
            "{} · {} s",
            self.label,
            now.saturating_duration_since(self.since).as_secs()
        );
        if let Some(limit) = self.limit {
            let _ = write!(line, " / {} s timeout", limit.as_secs_f64().round());
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_comes_first_and_the_time_runs() {
        let since = Instant::now();
        let running = Running {
            label: "shutdown_hang · shutdown under 3.12".to_string(),
            since,
            limit: Some(Duration::from_secs(60)),
        };
        assert_eq!(
            running.line(since + Duration::from_secs(41)),
            "shutdown_hang · shutdown under 3.12 · 41 s / 60 s timeout"
        );
    }
}
