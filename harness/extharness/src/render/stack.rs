//! A native stack as the terminal shows it: the frames in the module's own
//! code with one frame of context on each side, every other run of frames
//! counted in one line (`… 31 frames in libc, libpython3.12`). A crash
//! stack is 30 to 40 frames, mostly the C library's and the interpreter's;
//! the module's few are the ones its author can act on. `--verbose` and the
//! JSON report keep every frame.

/// When no frame is in the module's code (the module corrupted something
/// the interpreter tripped on later, or its library is stripped and
/// unnamed), the innermost frames are where the signal came from: for an
/// abort, the C library's raise and abort and CPython's fatal-error path
/// take the first four or five, so eight leave a few frames of the caller
/// that matters.
const TOP: usize = 8;

/// One frame: its line (`#3 exec_module at m.c:27 (m.so)`), whether a
/// signal handler ran above it, and its library's file name.
struct Frame<'a> {
    line: &'a str,
    after_signal: bool,
    library: Option<&'a str>,
}

/// `frames`: the `native_stack` evidence's lines, innermost first, as
/// `NativeStack::render` writes them. `module_library`: the file name of
/// the library whose frames to show (the crash site's).
pub fn trim(lines: &[&str], module_library: Option<&str>) -> Vec<String> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut after_signal = false;
    for line in lines {
        if *line == "<signal handler called>" {
            after_signal = true;
            continue;
        }
        frames.push(Frame {
            line,
            after_signal,
            library: library(line),
        });
        after_signal = false;
    }
    let in_module: Vec<usize> = match module_library {
        Some(module) => (0..frames.len())
            .filter(|&i| frames[i].library == Some(module))
            .collect(),
        None => Vec::new(),
    };
    let mut keep = vec![false; frames.len()];
    if in_module.is_empty() {
        keep.iter_mut().take(TOP).for_each(|k| *k = true);
    } else {
        for i in in_module {
            let from = i.saturating_sub(1);
            let to = (i + 1).min(frames.len() - 1);
            keep[from..=to].iter_mut().for_each(|k| *k = true);
        }
    }
    // A line that is not a frame is not ours to hide.
    for (i, frame) in frames.iter().enumerate() {
        if !frame.line.starts_with('#') {
            keep[i] = true;
        }
    }
    let mut out = Vec::new();
    let mut hidden: Vec<&Frame> = Vec::new();
    let mut gaps = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        if keep[i] {
            flush(&mut hidden, &mut out, &mut gaps);
            if frame.after_signal && i > 0 {
                out.push("<signal handler called>".to_string());
            }
            out.push(frame.line.to_string());
        } else {
            hidden.push(frame);
        }
    }
    flush(&mut hidden, &mut out, &mut gaps);
    // Say once, on the last count, how to see the frames counted.
    if let Some(&last) = gaps.last() {
        out[last].push_str(" (--verbose shows them)");
    }
    out
}

/// A run of hidden frames: one frame is shown as itself (its count would
/// take the same line), more are counted with their libraries.
fn flush(hidden: &mut Vec<&Frame<'_>>, out: &mut Vec<String>, gaps: &mut Vec<usize>) {
    match hidden.as_slice() {
        [] => {}
        [one] => {
            if one.after_signal {
                out.push("<signal handler called>".to_string());
            }
            out.push(one.line.to_string());
        }
        many => {
            let mut libraries: Vec<&str> = Vec::new();
            for frame in many {
                let name = frame.library.map(short).unwrap_or("no file");
                if !libraries.contains(&name) {
                    libraries.push(name);
                }
            }
            gaps.push(out.len());
            out.push(format!(
                "… {} frames in {}",
                many.len(),
                libraries.join(", ")
            ));
        }
    }
    hidden.clear();
}

/// `#0 abort (libc.so.6)` → `libc.so.6`; `(m.so, inlined)` → `m.so`;
/// `(no file)` → none.
fn library(line: &str) -> Option<&str> {
    let inner = line.strip_suffix(')')?;
    let inner = &inner[inner.rfind(" (")? + 2..];
    let inner = inner.strip_suffix(", inlined").unwrap_or(inner);
    (inner != "no file").then_some(inner)
}

/// `libc.so.6` → `libc`, `libpython3.12.so.1.0` → `libpython3.12`,
/// `_ctypes.cpython-312-x86_64-linux-gnu.so` → `_ctypes`.
fn short(library: &str) -> &str {
    let name = match library.find(".so") {
        Some(at) if at > 0 => &library[..at],
        _ => library,
    };
    match name.find(".cpython-") {
        Some(at) => &name[..at],
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = "abort_reinit.cpython-312-x86_64-linux-gnu.so";

    fn stack() -> Vec<String> {
        let mut lines = vec![
            "#0 __pthread_kill_implementation (libc.so.6)".to_string(),
            "#1 raise (libc.so.6)".to_string(),
            "#2 abort (libc.so.6)".to_string(),
            "#3 fatal_error (libpython3.12.so.1.0)".to_string(),
            "#4 Py_FatalError (libpython3.12.so.1.0)".to_string(),
            format!("#5 helper at abort_reinit.c:20 ({MODULE}, inlined)"),
            format!("#6 exec_module at abort_reinit.c:27 ({MODULE})"),
            "#7 PyModule_ExecDef (libpython3.12.so.1.0)".to_string(),
        ];
        for i in 8..40 {
            lines.push(format!(
                "#{i} _PyEval_EvalFrameDefault (libpython3.12.so.1.0)"
            ));
        }
        lines.push("#40 __libc_start_main (libc.so.6)".to_string());
        lines.push("#41 _start (python3.12)".to_string());
        lines
    }

    #[test]
    fn the_modules_frames_stay_with_one_frame_each_side_and_the_rest_is_counted() {
        let lines = stack();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(
            trim(&lines, Some(MODULE)),
            [
                "… 4 frames in libc, libpython3.12",
                "#4 Py_FatalError (libpython3.12.so.1.0)",
                &format!("#5 helper at abort_reinit.c:20 ({MODULE}, inlined)"),
                &format!("#6 exec_module at abort_reinit.c:27 ({MODULE})"),
                "#7 PyModule_ExecDef (libpython3.12.so.1.0)",
                "… 34 frames in libpython3.12, libc, python3.12 (--verbose shows them)",
            ]
        );
    }

    #[test]
    fn without_a_module_frame_the_innermost_frames_stay() {
        let lines = stack();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let trimmed = trim(&lines, Some("other.so"));
        assert_eq!(trimmed.len(), TOP + 1);
        assert_eq!(trimmed[..TOP], lines[..TOP]);
        assert_eq!(
            trimmed[TOP],
            "… 34 frames in libpython3.12, libc, python3.12 (--verbose shows them)"
        );
        assert_eq!(trim(&lines, None), trimmed);
    }

    #[test]
    fn a_signal_handler_line_goes_with_its_frame_and_one_hidden_frame_is_shown() {
        let lines = [
            "#0 abort (libc.so.6)",
            "<signal handler called>",
            "#1 f at m.c:1 (m.so)",
            "#2 g (libpython3.12.so.1.0)",
            "#3 0x7f00 (no file)",
        ];
        // #3 is hidden alone: shown as itself, as its count would take its line.
        assert_eq!(trim(&lines, Some("m.so")), lines);
        let lines = [
            "#0 a (libc.so.6)",
            "#1 b (libc.so.6)",
            "<signal handler called>",
            "#2 c (libc.so.6)",
            "#3 f (m.so)",
        ];
        assert_eq!(
            trim(&lines, Some("m.so")),
            [
                "… 2 frames in libc (--verbose shows them)",
                "<signal handler called>",
                "#2 c (libc.so.6)",
                "#3 f (m.so)",
            ]
        );
    }

    #[test]
    fn libraries_are_named_short() {
        assert_eq!(library("#0 f (x.so, inlined)"), Some("x.so"));
        assert_eq!(library("#0 0x1 (no file)"), None);
        assert_eq!(short("libc.so.6"), "libc");
        assert_eq!(short("_ctypes.cpython-312-x86_64-linux-gnu.so"), "_ctypes");
        assert_eq!(short("extharness"), "extharness");
    }
}
