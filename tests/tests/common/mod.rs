//! Shared by the test files: the interpreters under test, their corpora, and
//! running Python proof scripts against them.
#![allow(dead_code)]

pub mod realworld;

use std::collections::HashMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use interpreters::Interpreter;
use sample_modules::{BuiltModule, Corpus, ForeignCorpus};

/// The CPython interpreters the corpus is proven on: 3.8 and newer with headers,
/// one per build key (tag and target), pyenv's preferred over the distribution's.
/// Fails when there are none: a test-suite that proves nothing must not pass.
pub fn interpreters() -> &'static [Interpreter] {
    static FOUND: OnceLock<Vec<Interpreter>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let discovery = interpreters::discover(&[]);
        let mut found: Vec<Interpreter> = discovery
            .one_per_abi()
            .into_iter()
            .filter(|i| i.is_cpython() && i.version.feature() >= (3, 8) && i.can_build_extensions())
            .cloned()
            .collect();
        found.sort_by_key(|i| (i.version, i.debug));
        assert!(
            !found.is_empty(),
            "no CPython >= 3.8 with headers found (pyenv versions or python3.X on PATH)"
        );
        found
    })
}

/// The corpus for `interpreter`, built at most once per test process.
pub fn corpus(interpreter: &Interpreter) -> Arc<Corpus> {
    // One slot per build key, filled by whichever test gets there first while
    // tests for other interpreters build theirs alongside.
    type Slot = Arc<OnceLock<Arc<Corpus>>>;
    static BUILT: OnceLock<Mutex<HashMap<String, Slot>>> = OnceLock::new();
    let slot = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(interpreter.build_key())
        .or_default()
        .clone();
    slot.get_or_init(|| {
        let corpus = sample_modules::build(interpreter, &sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the corpus for {interpreter}: {e}"));
        Arc::new(corpus)
    })
    .clone()
}

/// How a child interpreter ended and what it wrote.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// The last stdout line, parsed as the proof script's JSON report.
    pub fn json(&self) -> serde_json::Value {
        let line = self.stdout.lines().last().unwrap_or("");
        serde_json::from_str(line).unwrap_or_else(|e| {
            panic!(
                "no JSON report ({e}); stdout:\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    pub fn succeeded(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `script` in an isolated child (`-I`), in `dir`, with `dir` first on
/// `sys.path` and `args` as `sys.argv[1:]`.
pub fn run_python(interpreter: &Interpreter, dir: &Path, script: &str, args: &[&str]) -> Outcome {
    let prelude = "import sys; sys.path.insert(0, sys.argv.pop(1))\n";
    let output = Command::new(&interpreter.executable)
        .arg("-I")
        .arg("-c")
        .arg(format!("{prelude}{script}"))
        .arg(dir)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", interpreter.executable.display()));
    Outcome {
        code: output.status.code(),
        signal: output.status.signal(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs a proof script (`proof(body)`) in `dir` and returns its JSON report,
/// or why not: a non-zero exit is a failure of the proof.
pub fn facts(
    interpreter: &Interpreter,
    dir: &Path,
    body: &str,
    args: &[&str],
) -> Result<serde_json::Value, String> {
    let outcome = run_python(interpreter, dir, &proof(body), args);
    ensure(outcome.succeeded(), || {
        format!("proof script failed: {outcome:?}")
    })?;
    Ok(outcome.json())
}

/// What a module declares about the GIL, read by `proofs/gil_slots.py`
/// without the harness: the values of its `Py_mod_gil` slots (empty: none),
/// from `PyModule_GetDef(module)->m_slots` or from the PySlot array of the
/// 3.15 export hook, with the slot numbers of the interpreter's headers.
pub fn gil_facts(
    interpreter: &Interpreter,
    corpus: &Corpus,
    module: &BuiltModule,
) -> Result<serde_json::Value, String> {
    let path = module.path.to_string_lossy();
    facts(
        interpreter,
        &corpus.dir,
        include_str!("../proofs/gil_slots.py"),
        &[&module.sample.module, &path],
    )
}

/// Runs `check` for `sample_id` on every interpreter under test that the sample
/// supports, and fails listing every interpreter where it did not hold.
/// Fails too when the sample was built for none of them, unless it supports
/// none of their versions (a 3.15+ sample on a host with 3.8-3.13), which it
/// says on one line: `sid_root.rs` proves those in the sid root.
pub fn on_every_interpreter(
    sample_id: &str,
    check: impl Fn(&Interpreter, &Corpus, &BuiltModule) -> Result<(), String>,
) {
    if let Some(sample) = sample_modules::catalog()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|s| s.id == sample_id)
        && !interpreters().iter().any(|i| sample.supports(i.version))
    {
        assert!(
            !in_sid_root(),
            "{sample_id}: the sid root has no Python {}",
            sample.python
        );
        eprintln!(
            "SKIPPED: {sample_id} supports Python {}, which no interpreter here is \
             (tests/tests/sid_root.rs runs it in the sid root)",
            sample.python
        );
        return;
    }
    let mut failures = Vec::new();
    let mut proven = 0;
    for interpreter in interpreters() {
        let corpus = corpus(interpreter);
        let Some(module) = corpus.module(sample_id) else {
            continue;
        };
        proven += 1;
        if let Err(why) = check(interpreter, &corpus, module) {
            failures.push(format!("{}: {why}", interpreter.tag()));
        }
    }
    assert!(
        proven > 0,
        "{sample_id}: built for no interpreter under test"
    );
    assert!(failures.is_empty(), "{sample_id}:\n{}", failures.join("\n"));
}

/// A check failure unless `condition`.
pub fn ensure(condition: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if condition { Ok(()) } else { Err(why()) }
}

/// Helpers every proof script starts with (`report`, `reimport`, `run_isolated`, ...).
const SUPPORT: &str = include_str!("../proofs/support.py");

/// A proof script ready to run: the shared helpers, then `body`.
pub fn proof(body: &str) -> String {
    format!("{SUPPORT}\n{body}")
}

/// Runs an LLVM binary tool (`llvm-nm`, `llvm-readobj`, ...) on `file` and
/// returns its stdout; these read every format the same way, so tests state
/// facts with them. Memoised: tests read the same facts of the same files, and
/// starting a tool costs more than reading a file.
pub fn llvm(tool: &str, args: &[&str], file: &Path) -> String {
    static OUTPUTS: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let key = format!("{tool} {args:?} {}", file.display());
    let outputs = OUTPUTS.get_or_init(Default::default);
    if let Some(known) = outputs.lock().unwrap().get(&key) {
        return known.clone();
    }
    let output = Command::new(llvm_tool(tool))
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("running {tool}: {e}"));
    assert!(
        output.status.success(),
        "{key}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    outputs.lock().unwrap().insert(key, text.clone());
    text
}

/// An LLVM tool (or clang), unversioned or with Debian's version suffix.
/// In the sid root, which has binutils and no LLVM, `llvm-nm` is GNU `nm`:
/// on ELF files, with the options the tests pass, both print the same.
pub fn llvm_tool(name: &str) -> PathBuf {
    let names: &[&str] = if in_sid_root() && name == "llvm-nm" {
        &["nm"]
    } else {
        &[name]
    };
    sample_modules::find_tool(names)
        .unwrap_or_else(|| panic!("{name} not found on PATH (apt-get install llvm clang)"))
}

/// The shared libraries an ELF file needs (its DT_NEEDED entries): read by
/// `llvm-readobj`, or in the sid root by binutils' `readelf`.
pub fn needed_libs(file: &Path) -> Vec<String> {
    if in_sid_root() {
        let output = Command::new("readelf")
            .args(["-d", "-W"])
            .arg(file)
            .output()
            .unwrap_or_else(|e| panic!("running readelf: {e}"));
        assert!(output.status.success(), "readelf -d {}", file.display());
        // `0x... (NEEDED)  Shared library: [libpython3.15.so.1.0]`
        return String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| l.contains("(NEEDED)"))
            .filter_map(|l| Some(l.split_once('[')?.1.trim_end_matches(']').to_owned()))
            .collect();
    }
    llvm("llvm-readobj", &["--needed-libs"], file)
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("lib"))
        .map(str::to_owned)
        .collect()
}

/// Set by `tests/tests/sid_root.rs` for the sample tests it runs inside the
/// Debian sid root (CPython 3.14 and 3.15): there the interpreters under test
/// are the root's, and the host's tools and interpreters are not at hand.
pub const IN_SID_ROOT: &str = "EXTINSPECT_IN_SID_ROOT";

pub fn in_sid_root() -> bool {
    std::env::var_os(IN_SID_ROOT).is_some()
}

/// In the sid root: says on one line why the calling test does not run
/// there, and returns true (the test then returns at once).
pub fn skipped_in_sid_root(why: &str) -> bool {
    if in_sid_root() {
        eprintln!("SKIPPED in the sid root: {why}");
        return true;
    }
    false
}

/// The stable ABI: symbol name to the version that added it, from the
/// inspector's copy of CPython's list (the repository's one).
pub fn stable_abi() -> HashMap<String, (u32, u32)> {
    abi::stable_abi()
        .iter()
        .map(|s| {
            (
                s.name.to_owned(),
                (s.added.major.into(), s.added.minor.into()),
            )
        })
        .collect()
}

/// The foreign fixtures (PE, Mach-O, mislabelled copies), built at most once
/// per test process.
pub fn foreign() -> &'static ForeignCorpus {
    static BUILT: OnceLock<ForeignCorpus> = OnceLock::new();
    BUILT.get_or_init(|| {
        sample_modules::build_foreign(&sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"))
    })
}

/// The release CPython 3.12 under test: snapshots and wheels are of its builds.
pub fn python312() -> &'static Interpreter {
    interpreters()
        .iter()
        .find(|i| i.version.feature() == (3, 12) && !i.debug && !i.free_threaded)
        .expect("CPython 3.12 is under test")
}

/// Python C-API symbols (`Py*`, `_Py*`) the ELF file leaves undefined.
pub fn undefined_python_symbols(file: &Path) -> Vec<String> {
    llvm(
        "llvm-nm",
        &["-D", "--undefined-only", "--format=just-symbols"],
        file,
    )
    .lines()
    .map(|l| l.split('@').next().unwrap_or(l).trim().to_owned())
    .filter(|s| s.starts_with("Py") || s.starts_with("_Py"))
    .collect()
}

/// extharness options for one interpreter (`tests::harness_options`) with
/// this package's reinit host.
pub fn harness_options(
    interpreter: &Interpreter,
    timeout: std::time::Duration,
) -> harness::Options {
    let host = harness::HostCommand {
        program: env!("CARGO_BIN_EXE_reinit-host").into(),
        args: Vec::new(),
    };
    tests::harness_options(vec![interpreter.executable.clone()], host, timeout)
}

/// The ids of every finding an extharness report has for `module`.
pub fn finding_ids(module: &harness::ModuleReport) -> std::collections::BTreeSet<String> {
    module
        .interpreters
        .iter()
        .flat_map(|i| &i.findings)
        .map(|f| f.check.to_string())
        .collect()
}
