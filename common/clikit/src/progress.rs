use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Format;

/// A progress bar on stderr that appears only when the run has taken a
/// second, only on a terminal, and never around JSON output; cheap to
/// update from several threads.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
}

const DELAY: Duration = Duration::from_secs(1);

impl Progress {
    /// `noun`: what is counted ("files", "scenarios").
    pub fn new(format: Format, noun: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} [{{elapsed}}] {{bar:30}} {{pos}}/{{len}} {noun} {{wide_msg}}"
            ))
            .expect("the template is valid"),
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
        Progress { bar, done }
    }

    /// A bar never drawn, for `--quiet`.
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
            done: Arc::new(AtomicBool::new(true)),
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
