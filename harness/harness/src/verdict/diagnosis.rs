//! What CPython's own checks said before a child died: the debug allocator
//! hooks (`PYTHONMALLOC=debug`, `-X dev`, every debug build) and the
//! thread-state checks abort with a "Fatal Python error" whose text names
//! the cause. A crash finding says where the child died; the diagnosis
//! found here says why, as a finding of its own.

use checkmeta::CheckMeta;

use super::gil_misuse::GilMisuse;
use super::memory_corruption::MemoryCorruption;
use crate::report::Finding;

/// A cause CPython reported, and the words that give it away. The texts
/// are those of 3.8 to 3.13; 3.9 and newer prefix the C function's name
/// (`_PyMem_DebugRawFree: bad trailing pad byte`), so they are matched
/// anywhere in the fatal error's line.
struct Cause {
    meta: &'static CheckMeta,
    needle: &'static str,
    what: &'static str,
}

const CAUSES: &[Cause] = &[
    Cause {
        meta: &MemoryCorruption::META,
        needle: "bad trailing pad byte",
        what: "a write past the end of a heap block",
    },
    Cause {
        meta: &MemoryCorruption::META,
        needle: "bad leading pad byte",
        what: "a write before the start of a heap block",
    },
    Cause {
        meta: &MemoryCorruption::META,
        needle: "bad ID: Allocated using API",
        what: "a block freed by another allocator family than the one that allocated it, or freed twice",
    },
    Cause {
        meta: &MemoryCorruption::META,
        needle: "_Py_NegativeRefcount",
        what: "a reference count below zero (one Py_DECREF too many)",
    },
    Cause {
        meta: &GilMisuse::META,
        needle: "allocator called without holding the GIL",
        what: "a Python allocator called without the GIL",
    },
    Cause {
        meta: &GilMisuse::META,
        needle: "must be called with the GIL held",
        what: "a C API function called without the GIL",
    },
    Cause {
        meta: &GilMisuse::META,
        needle: "PyThreadState_Get: no current thread",
        what: "a C API function called without the GIL",
    },
    Cause {
        meta: &GilMisuse::META,
        needle: "drop_gil: GIL is not locked",
        what: "the GIL released by a thread that does not hold it",
    },
];

/// The diagnosis of a child that died, from its stderr; `phase` is where
/// it died, as the crash finding names it.
pub(crate) fn diagnose(stderr: &str, phase: &str) -> Option<Finding> {
    let lines: Vec<&str> = stderr.lines().collect();
    let (at, fatal, cause) = lines.iter().enumerate().find_map(|(i, line)| {
        let fatal = line.strip_prefix("Fatal Python error: ")?;
        let cause = CAUSES.iter().find(|c| fatal.contains(c.needle))?;
        Some((i, fatal, cause))
    })?;
    Some(
        Finding::new(
            cause.meta,
            format!("{} in phase {phase}: {fatal}", cause.what),
        )
        .with("phase", phase)
        .with("fatal_error", fatal)
        .with("allocator_report", allocator_report(&lines[..at])),
    )
}

/// The debug hooks' description of the damaged block, printed just
/// before the fatal error: its size, API, guard bytes and data.
fn allocator_report(before: &[&str]) -> Option<String> {
    let start = before
        .iter()
        .rposition(|l| l.starts_with("Debug memory block at address"))?;
    let report: Vec<&str> = before[start..]
        .iter()
        .copied()
        .take_while(|l| !l.is_empty())
        .collect();
    Some(report.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVERRUN_312: &str = "Debug memory block at address p=0x7fad0305cb20: API 'm'
    12 bytes originally requested
    The 7 pad bytes at p-7 are FORBIDDENBYTE, as expected.
    The 8 pad bytes at tail=0x7fad0305cb2c are not all FORBIDDENBYTE (0xfd):
        at tail+0: 0x78 *** OUCH
    Data at p: 78 78 78 78 78 78 78 78 78 78 78 78

Enable tracemalloc to get the memory block allocation traceback

Fatal Python error: _PyMem_DebugRawFree: bad trailing pad byte
Python runtime state: initialized
";

    #[test]
    fn an_overrun_is_memory_corruption_with_the_block_described() {
        let f = diagnose(OVERRUN_312, "use, calling fill()").unwrap();
        assert_eq!(f.check, "memory-corruption");
        assert_eq!(
            f.message,
            "a write past the end of a heap block in phase use, calling fill(): \
             _PyMem_DebugRawFree: bad trailing pad byte"
        );
        let report = f.evidence["allocator_report"].as_str().unwrap();
        assert!(
            report.starts_with("Debug memory block at address"),
            "{report}"
        );
        assert!(report.ends_with("78 78"), "{report}");
    }

    #[test]
    fn gil_checks_of_every_version_are_gil_misuse() {
        for text in [
            "Fatal Python error: Python memory allocator called without holding the GIL",
            "Fatal Python error: _PyMem_DebugFree: Python memory allocator called without holding the GIL",
            "Fatal Python error: PyThreadState_Get: the function must be called with the GIL held, but the GIL is released (the current Python thread state is NULL)",
            "Fatal Python error: PyThreadState_Get: no current thread",
        ] {
            let f = diagnose(text, "finalize").unwrap();
            assert_eq!(f.check, "gil-misuse", "{text}");
            assert!(f.evidence.get("allocator_report").is_none());
        }
    }

    #[test]
    fn a_negative_reference_count_is_memory_corruption() {
        let text = "Fatal Python error: _Py_NegativeRefcount: object has negative ref count";
        assert_eq!(diagnose(text, "use").unwrap().check, "memory-corruption");
    }

    #[test]
    fn other_deaths_have_no_diagnosis() {
        for text in [
            "",
            "Fatal Python error: Aborted",
            "Fatal Python error: Segmentation fault",
            // Not a fatal error line: a test's own output mentioning it.
            "print: bad trailing pad byte",
        ] {
            assert!(diagnose(text, "use").is_none(), "{text}");
        }
    }
}
