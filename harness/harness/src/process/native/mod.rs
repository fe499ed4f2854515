//! Native stack traces of crashed children. A preloaded signal handler
//! (`native/crashtrace.c`) writes raw return addresses and the process's
//! library map to fd 5 as the child dies; here they become function names
//! and file:line, read from each library's DWARF (or its separate debug
//! file), else its symbol table.

mod library;
mod maps;
pub mod preload;
mod record;
mod symbolize;

use std::path::Path;

use serde::Serialize;

pub use symbolize::{symbolize, symbolize_any};

use crate::report::Finding;

/// The crashing thread's stack, innermost frame first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NativeStack {
    pub signal: i32,
    pub frames: Vec<NativeFrame>,
    /// The handler finished its record; a stack that is not complete was
    /// cut short (the handler itself crashed, or was killed).
    pub complete: bool,
}

/// One function on the stack. An address inside inlined code gives several
/// frames with the same address, the innermost first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NativeFrame {
    /// `0x7f3a12345678`: the faulting instruction or a return address, as
    /// the process saw it.
    pub address: String,
    /// The mapped file, as the process mapped it; `None` for anonymous memory.
    pub library: Option<String>,
    pub function: Option<String>,
    /// The source file as the DWARF names it (usually absolute).
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Inlined into the next frame.
    pub inlined: bool,
    /// A signal arrived here: `address` is the interrupted instruction, not
    /// a return address, and the frames above ran in a signal handler.
    pub interrupted: bool,
    /// In the module under test; from [`symbolize_any`], in a file outside
    /// the runtime (an extension module, or a library one loaded).
    pub in_module: bool,
}

impl NativeStack {
    /// Where the module under test was when the signal came: its innermost frame.
    pub fn crash_site(&self) -> Option<&NativeFrame> {
        self.frames.iter().find(|f| f.in_module)
    }

    /// The innermost frame in one of CPython's own extension modules (a
    /// file in a `lib-dynload` directory), when no frame of the module under
    /// test is on the stack: the death is the interpreter's.
    pub fn cpython_site(&self) -> Option<&NativeFrame> {
        if self.crash_site().is_some() {
            return None;
        }
        self.frames.iter().find(|f| {
            f.library.as_deref().is_some_and(|library| {
                Path::new(library)
                    .parent()
                    .and_then(Path::file_name)
                    .is_some_and(|dir| dir == "lib-dynload")
            })
        })
    }

    /// `, in exec_module (abort_reinit.c:27)`: the crash site, for the end of
    /// a crash finding's message; empty without one.
    pub fn site_suffix(&self) -> String {
        let Some(frame) = self.crash_site() else {
            return String::new();
        };
        let function = frame.function.as_deref().unwrap_or(&frame.address);
        match frame.location() {
            Some(location) => format!(", in {function} ({location})"),
            None => format!(", in {function}"),
        }
    }

    /// One line per frame,
    /// `#3 exec_module at abort_reinit.c:31 (abort_reinit.cpython-312-x86_64-linux-gnu.so)`,
    /// and, as GDB writes it, `<signal handler called>` above a frame a
    /// signal interrupted (faulthandler's re-raise, a crash in a handler).
    pub fn render(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.frames.len());
        for (i, frame) in self.frames.iter().enumerate() {
            if frame.interrupted && i > 0 {
                lines.push("<signal handler called>".to_string());
            }
            lines.push(format!("#{i} {}", frame.render()));
        }
        lines
    }
}

impl NativeFrame {
    /// `abort_reinit.c:31`: the file's base name, for messages.
    pub fn location(&self) -> Option<String> {
        let file = base_name(self.file.as_deref()?);
        Some(match self.line {
            Some(line) => format!("{file}:{line}"),
            None => file.to_string(),
        })
    }

    fn render(&self) -> String {
        let mut text = self
            .function
            .clone()
            .unwrap_or_else(|| self.address.clone());
        if let Some(location) = self.location() {
            text.push_str(&format!(" at {location}"));
        }
        match (&self.library, self.inlined) {
            (Some(library), false) => text.push_str(&format!(" ({})", base_name(library))),
            (Some(library), true) => text.push_str(&format!(" ({}, inlined)", base_name(library))),
            (None, _) => text.push_str(" (no file)"),
        }
        text
    }
}

/// A crash finding's native evidence, the same for every command that
/// reports crashes: `native_stack`, every frame rendered, and `crash_site`,
/// `{function, file, line, library}` with full paths. Neither key is added
/// without a stack, and `crash_site` not without a site.
pub fn with_evidence(finding: Finding, stack: Option<&NativeStack>) -> Finding {
    let site = stack.and_then(|s| s.crash_site().or_else(|| s.cpython_site()));
    finding
        .with("native_stack", stack.map(NativeStack::render))
        .with(
            "crash_site",
            site.map(|frame| {
                serde_json::json!({
                    "function": frame.function,
                    "file": frame.file,
                    "line": frame.line,
                    "library": frame.library,
                })
            }),
        )
}

fn base_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(
        function: Option<&str>,
        file: Option<&str>,
        line: Option<u32>,
        in_module: bool,
    ) -> NativeFrame {
        NativeFrame {
            address: "0x7f0000001234".into(),
            library: Some("/x/abort_reinit.cpython-312-x86_64-linux-gnu.so".into()),
            function: function.map(str::to_string),
            file: file.map(str::to_string),
            line,
            inlined: false,
            interrupted: false,
            in_module,
        }
    }

    #[test]
    fn frames_render_with_base_names_and_the_crash_site_is_the_first_module_frame() {
        let mut libc = frame(Some("abort"), None, None, false);
        libc.library = Some("/usr/lib/x86_64-linux-gnu/libc.so.6".into());
        let mut inlined = frame(Some("helper"), Some("/src/abort_reinit.c"), Some(20), true);
        inlined.inlined = true;
        inlined.interrupted = true;
        let anonymous = NativeFrame {
            library: None,
            ..frame(None, None, None, false)
        };
        let stack = NativeStack {
            signal: 6,
            frames: vec![
                libc,
                inlined,
                frame(
                    Some("exec_module"),
                    Some("/src/abort_reinit.c"),
                    Some(31),
                    true,
                ),
                frame(None, None, None, true),
                anonymous,
            ],
            complete: true,
        };
        assert_eq!(
            stack.render(),
            [
                "#0 abort (libc.so.6)",
                "<signal handler called>",
                "#1 helper at abort_reinit.c:20 (abort_reinit.cpython-312-x86_64-linux-gnu.so, inlined)",
                "#2 exec_module at abort_reinit.c:31 (abort_reinit.cpython-312-x86_64-linux-gnu.so)",
                "#3 0x7f0000001234 (abort_reinit.cpython-312-x86_64-linux-gnu.so)",
                "#4 0x7f0000001234 (no file)",
            ]
        );
        assert_eq!(
            stack.crash_site().and_then(|f| f.function.as_deref()),
            Some("helper")
        );
        assert_eq!(
            stack.frames[2].location().as_deref(),
            Some("abort_reinit.c:31")
        );
        assert_eq!(stack.site_suffix(), ", in helper (abort_reinit.c:20)");
    }

    #[test]
    fn a_death_in_cpythons_own_module_with_no_module_frame_is_cpythons() {
        let at = |library: &str, function: &str| NativeFrame {
            library: Some(library.into()),
            ..frame(Some(function), None, None, false)
        };
        let datetime =
            "/opt/py/lib/python3.12/lib-dynload/_datetime.cpython-312-x86_64-linux-gnu.so";
        let mut stack = NativeStack {
            signal: 6,
            frames: vec![
                at("/usr/lib/x86_64-linux-gnu/libc.so.6", "abort"),
                at("/opt/py/lib/libpython3.12.so.1.0", "_PyObject_Free"),
                at(datetime, "PyInit__datetime"),
            ],
            complete: true,
        };
        assert_eq!(
            stack.cpython_site().and_then(|f| f.function.as_deref()),
            Some("PyInit__datetime")
        );
        // libpython alone is no evidence: the module may have corrupted
        // what CPython frees.
        stack.frames.pop();
        assert!(stack.cpython_site().is_none());
        // Nor is CPython's module when the module's own code is on the stack.
        stack.frames.push(at(datetime, "PyInit__datetime"));
        stack
            .frames
            .push(frame(Some("spam_exec"), None, None, true));
        assert!(stack.cpython_site().is_none());
    }

    #[test]
    fn findings_cite_the_site_by_name_else_address_and_carry_the_stack() {
        // A check of the test's own: the verdict, which raises the real
        // ones, sits above this module.
        checkmeta::declare_meta! {
            /// A crash.
            pub struct CallCrash { id: "call-crash", severity: Error, group: Scenario }
        }
        let unnamed = NativeStack {
            signal: 11,
            frames: vec![frame(None, None, None, true)],
            complete: true,
        };
        assert_eq!(unnamed.site_suffix(), ", in 0x7f0000001234");
        let stripped = NativeStack {
            frames: vec![frame(Some("fill"), None, None, true)],
            ..unnamed.clone()
        };
        assert_eq!(stripped.site_suffix(), ", in fill");
        let outside = NativeStack {
            frames: vec![frame(Some("abort"), None, None, false)],
            ..unnamed.clone()
        };
        assert_eq!(outside.site_suffix(), "");

        let cited = with_evidence(Finding::new(&CallCrash::META, "died"), Some(&stripped));
        assert_eq!(
            cited.evidence["native_stack"],
            serde_json::json!(["#0 fill (abort_reinit.cpython-312-x86_64-linux-gnu.so)"])
        );
        assert_eq!(
            cited.evidence["crash_site"],
            serde_json::json!({
                "function": "fill",
                "file": null,
                "line": null,
                "library": "/x/abort_reinit.cpython-312-x86_64-linux-gnu.so",
            })
        );
        let siteless = with_evidence(Finding::new(&CallCrash::META, "died"), Some(&outside));
        assert!(siteless.evidence.contains_key("native_stack"));
        assert!(!siteless.evidence.contains_key("crash_site"));
        let none = with_evidence(Finding::new(&CallCrash::META, "died"), None);
        assert!(none.evidence.is_empty());
    }
}
