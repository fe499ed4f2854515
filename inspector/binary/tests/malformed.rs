//! A malformed-file corpus generated from real binaries of all three formats:
//! truncations at every header and table boundary, counts and offsets past
//! the end, cyclic and overlapping tables, 4 GiB declared sizes, universal
//! files with absurd slice counts, and names that never end. Every case must
//! parse without panicking into a view or a one-line error naming the format,
//! the cases built to go past a limit must stop at it with
//! `BinaryError::Limit`, and no parse may grow the heap past a fixed bound.
//!
//! Memory is measured by the counting allocator below, per thread, so the
//! tests of this file can run side by side. The bound for a parse of `len`
//! bytes is `16 MiB + 16 × len`: 16 MiB covers object's version table (at
//! most 65,536 entries of 40 bytes) and everything of fixed size, and 16
//! bytes per input byte covers the view, which keeps each name once (an ELF
//! symbol is 24 bytes of table plus its name, and becomes a `String` of 24
//! bytes plus that name, plus its share of a B-tree node), and the export
//! trie walk (a visited bit per trie byte, a 12-byte frame per level, a name no longer than the trie). The cases
//! marked heavy make distinct names from overlapping strings, which a small
//! file can do up to the names limit: they are held to
//! `MAX_NAME_BYTES + 16 MiB + 16 × len` instead.

#[path = "malformed/corpus.rs"]
mod corpus;
#[path = "malformed/layout.rs"]
mod layout;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use binary::{BinaryError, limits};
use corpus::{Case, Expect, Kind, Source};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

// ---------------------------------------------------------------- memory

/// `System`, counting the bytes each thread has live while it measures.
struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: never panic in the allocator, even while threads exit.
    let _ = MEASURING.try_with(|measuring| {
        if measuring.get() {
            let live = LIVE.with(|live| {
                live.set(live.get() + delta);
                live.get()
            });
            PEAK.with(|peak| peak.set(peak.get().max(live)));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns what it returned and the most heap this thread had
/// allocated beyond what it had when `f` started (what `f` returns included).
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.with(|live| live.set(0));
    PEAK.with(|peak| peak.set(0));
    MEASURING.with(|m| m.set(true));
    let result = f();
    MEASURING.with(|m| m.set(false));
    (result, PEAK.with(Cell::get).max(0) as usize)
}

const FIXED_BYTES: usize = 16 << 20;
const BYTES_PER_INPUT_BYTE: usize = 16;

fn memory_bound(len: usize, heavy: bool) -> usize {
    let names = if heavy {
        limits::MAX_NAME_BYTES as usize
    } else {
        0
    };
    FIXED_BYTES + BYTES_PER_INPUT_BYTE * len + names
}

// ---------------------------------------------------------------- sources

fn pick(corpus: &sample_modules::ForeignCorpus, dir: &str) -> PathBuf {
    corpus
        .fixtures
        .iter()
        .find(|f| {
            f.sample_id == "clean_multiphase" && f.path.parent().is_some_and(|p| p.ends_with(dir))
        })
        .unwrap_or_else(|| panic!("no clean_multiphase fixture in {dir}"))
        .path
        .clone()
}

fn pyenv_root() -> Option<PathBuf> {
    if let Some(root) = std::env::var_os("PYENV_ROOT") {
        return Some(root.into());
    }
    let out = std::process::Command::new("pyenv")
        .arg("root")
        .output()
        .ok()?;
    let root = String::from_utf8(out.stdout).ok()?;
    Some(root.trim().into()).filter(|r: &PathBuf| out.status.success() && r.is_dir())
}

/// The smallest 64-bit little-endian lib-dynload module with GNU version
/// requirements, under any pyenv CPython.
fn versioned_dynload_module() -> Option<PathBuf> {
    let root = pyenv_root()?;
    let mut found = Vec::new();
    for version in std::fs::read_dir(root.join("versions")).ok()?.flatten() {
        let Ok(libs) = std::fs::read_dir(version.path().join("lib")) else {
            continue;
        };
        for lib in libs.flatten() {
            let Ok(modules) = std::fs::read_dir(lib.path().join("lib-dynload")) else {
                continue;
            };
            for module in modules.flatten() {
                let path = module.path();
                let Ok(data) = std::fs::read(&path) else {
                    continue;
                };
                if path.extension().is_some_and(|e| e == "so")
                    && data.starts_with(b"\x7fELF\x02\x01")
                    && layout::Elf::read(&data)
                        .of_type(layout::SHT_GNU_VERNEED)
                        .is_some()
                {
                    found.push((data.len(), path));
                }
            }
        }
    }
    found.sort();
    found.into_iter().next().map(|(_, path)| path)
}

/// Real files: the foreign fixtures' PE, thin Mach-O (both arches),
/// universal2 Mach-O and ELF of `clean_multiphase`, and a versioned ELF from
/// a pyenv lib-dynload when there is one.
fn sources() -> &'static [Source] {
    static SOURCES: OnceLock<Vec<Source>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let corpus = sample_modules::build_foreign(&sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"));
        let mut paths = vec![
            (Kind::Elf, pick(&corpus, "elf_aarch64_named_x86_64")),
            (Kind::MachO, pick(&corpus, "macos_arm64")),
            (Kind::MachO, pick(&corpus, "macos_x86_64")),
            (Kind::Fat, pick(&corpus, "macos_universal2")),
            (Kind::Pe, pick(&corpus, "win_amd64")),
        ];
        match versioned_dynload_module() {
            Some(path) => paths.push((Kind::Elf, path)),
            None => eprintln!("SKIPPED: no pyenv lib-dynload module; no GNU version table cases"),
        }
        paths
            .into_iter()
            .map(|(kind, path)| Source {
                label: label(&path),
                kind,
                data: std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            })
            .collect()
    })
}

fn label(path: &Path) -> String {
    let parent = path.parent().and_then(Path::file_name).unwrap_or_default();
    let name = path.file_name().unwrap_or_default();
    format!("{}/{}", parent.to_string_lossy(), name.to_string_lossy())
}

// ---------------------------------------------------------------- checking

/// Parses `case` under `catch_unwind` and the allocator's eye; says what
/// was wrong, if anything, or else how much heap the parse took.
fn check(case: &Case) -> Result<usize, String> {
    let (outcome, peak) =
        peak_heap(|| catch_unwind(AssertUnwindSafe(|| binary::parse(&case.data))));
    let bound = memory_bound(case.data.len(), case.heavy);
    if peak > bound {
        return Err(format!(
            "heap grew by {peak} bytes, over the bound of {bound} for {} input bytes",
            case.data.len()
        ));
    }
    let result = match outcome {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("panicked: {message}"));
        }
    };
    if let Err(error) = &result {
        let message = error.to_string();
        if message.is_empty() || message.chars().any(char::is_control) {
            return Err(format!("error message is not one line: {message:?}"));
        }
        match error.format() {
            Some(format) if format == case.format && message.contains(format.title()) => {}
            None if case.data.len() < case.magic_len => {}
            _ => return Err(format!("error does not name {}: {message}", case.format)),
        }
    }
    match (case.expect, &result) {
        (Expect::Any, _) => Ok(peak),
        (Expect::Limit(what), Err(BinaryError::Limit { detail, .. })) if detail.contains(what) => {
            Ok(peak)
        }
        (Expect::Slices(n), Ok(parsed)) if parsed.slices.len() == n => Ok(peak),
        (Expect::View, Ok(_)) => Ok(peak),
        (expect, Ok(parsed)) => Err(format!(
            "expected {expect:?}, got a view of {} slices",
            parsed.slices.len()
        )),
        (expect, Err(error)) => Err(format!("expected {expect:?}, got: {error}")),
    }
}

#[test]
fn real_sources_parse() {
    for source in sources() {
        let parsed =
            binary::parse(&source.data).unwrap_or_else(|e| panic!("{}: {e}", source.label));
        assert_eq!(parsed.format, source.format(), "{}", source.label);
    }
}

/// Runs the corpus of one kind of source; says how many cases each family
/// had and fails with every case that went wrong.
fn run_corpus(kind: Kind) {
    let corpus = corpus::build(sources(), kind);
    assert!(!corpus.cases.is_empty(), "no cases");
    let mut families: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut worst = (0.0f64, String::new());
    for case in &corpus.cases {
        let counts = families.entry(case.family).or_default();
        counts.0 += 1;
        if matches!(case.expect, Expect::Limit(_)) {
            counts.1 += 1;
        }
        match check(case) {
            Err(why) => failures.push(format!("[{}] {}: {why}", case.family, case.name)),
            Ok(peak) => {
                let share = peak as f64 / memory_bound(case.data.len(), case.heavy) as f64;
                if share > worst.0 {
                    worst = (share, format!("[{}] {}", case.family, case.name));
                }
            }
        }
    }
    for (family, (cases, limits)) in &families {
        eprintln!("{family}: {cases} cases, {limits} built to reach a limit");
    }
    eprintln!(
        "{} cases; the most memory any used was {:.1}% of its bound ({})",
        corpus.cases.len(),
        worst.0 * 100.0,
        worst.1
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        corpus.cases.len(),
        failures.join("\n")
    );
}

#[test]
fn malformed_elf_stays_within_bounds() {
    run_corpus(Kind::Elf);
}

#[test]
fn malformed_macho_stays_within_bounds() {
    run_corpus(Kind::MachO);
}

#[test]
fn malformed_universal_macho_stays_within_bounds() {
    run_corpus(Kind::Fat);
}

#[test]
fn malformed_pe_stays_within_bounds() {
    run_corpus(Kind::Pe);
}

// ---------------------------------------------------------------- random corruption

/// u32 values that are counts, offsets and sizes gone wrong.
const WORDS: [u32; 10] = [
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1000,
];

/// Offsets where the headers keep counts and offsets: every boundary, and
/// every byte of the first 4 KiB (the headers and load commands).
fn header_offsets(source: &Source) -> &'static [usize] {
    static OFFSETS: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    let all = OFFSETS.get_or_init(|| {
        sources()
            .iter()
            .map(|s| {
                let mut offsets: Vec<usize> = s.boundaries().into_keys().collect();
                offsets.extend(0..s.data.len().min(4096));
                offsets.retain(|&at| at < s.data.len());
                offsets.sort_unstable();
                offsets.dedup();
                offsets
            })
            .collect()
    });
    let index = sources()
        .iter()
        .position(|s| std::ptr::eq(s, source))
        .unwrap();
    &all[index]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2048,
        // Failing seeds go to the target directory, never into the source
        // tree; the failure message prints the minimal input to make a case of.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_TARGET_TMPDIR"),
            "/binary-malformed.regressions"
        )))),
        ..ProptestConfig::default()
    })]

    /// Byte flips and u16/u32/u64 overwrites at header offsets of the real
    /// sources never panic, give one-line errors and stay within the bound.
    #[test]
    fn random_header_corruption_stays_within_bounds(
        source in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0u8..5, any::<u32>(), any::<prop::sample::Index>()),
            1..8,
        ),
    ) {
        let source = source.get(sources());
        let mut data = source.data.clone();
        let mut what = Vec::new();
        for (offset, kind, random, word) in edits {
            let at = *offset.get(header_offsets(source));
            let value = match random % 3 {
                0 => random,
                1 => data.len() as u32,
                _ => *word.get(&WORDS),
            };
            let bytes = match kind {
                0 => vec![data[at] ^ (random as u8 | 1)],
                1 => (value as u16).to_le_bytes().to_vec(),
                2 => value.to_le_bytes().to_vec(),
                3 => value.to_be_bytes().to_vec(),
                _ => u64::from(value).wrapping_mul(0x1_0000_0001).to_le_bytes().to_vec(),
            };
            let end = (at + bytes.len()).min(data.len());
            data[at..end].copy_from_slice(&bytes[..end - at]);
            what.push(format!("{at:#x}={bytes:02x?}"));
        }
        let case = Case {
            family: "random",
            name: format!("{}: {}", source.label, what.join(" ")),
            format: source.format(),
            // A flip may break the magic itself.
            magic_len: usize::MAX,
            data,
            expect: Expect::Any,
            heavy: false,
        };
        if let Err(why) = check(&case) {
            prop_assert!(false, "{}: {why}", case.name);
        }
    }
}
