//! Runs as the tools would hand them over, shared by the format tests:
//! one like the inspector's (wheels, relative paths, suppressions), one
//! like the harness's (contexts, crash sites, a `--module` name, a subject
//! that could not be checked, notices), an empty one, and runs built from
//! arbitrary strings for the property tests.

#![allow(dead_code)]

pub mod xml;

use std::path::PathBuf;

use output::{
    CheckMeta, Diagnostic, Notice, Run, Severity, SourceLocation, Status, Subject, Suppressed, Tool,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

pub const INSPECTOR: Tool = Tool {
    name: "extinspect",
    version: "0.0.0-test",
    information_uri: "https://github.com/extinspect/extinspect",
    docs_base: "https://github.com/extinspect/extinspect/blob/main/docs/checks",
};

pub const HARNESS: Tool = Tool {
    name: "extharness",
    ..INSPECTOR
};

checkmeta::declare_meta! {
    /// ## What it does
    /// Imports the module twice, removing it from `sys.modules` in between,
    /// and reports state the second import finds left over from the first.
    ///
    /// ## Why is this bad?
    /// Module state that outlives the module object leaks between
    /// interpreters and breaks `importlib.reload`.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *cache;  /* shared by every module object */
    /// ```
    ///
    /// ## How to fix
    /// Keep state in the module object (`PyModule_GetState`).
    pub struct SingletonState { id: "singleton-state", severity: Warning, group: Scenario }
}

checkmeta::declare_meta! {
    /// ## What it does
    /// Runs `Py_Initialize`/`Py_FinalizeEx` cycles with the module imported
    /// in each and reports a crash in any cycle.
    ///
    /// ## Why is this bad?
    /// Embedding applications re-initialise the interpreter.
    ///
    /// ## Example
    /// ```c
    /// static int initialised;  /* never reset by m_free */
    /// ```
    ///
    /// ## How to fix
    /// Reset static state in the module's `m_free`.
    pub struct ReinitCrash { id: "reinit-crash", severity: Error, group: Scenario }
}

checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a module that refuses to be imported a second time.
    ///
    /// ## Why is this bad?
    /// `importlib.reload` and test runners re-import modules.
    ///
    /// ## Example
    /// ```c
    /// if (loaded) { PyErr_SetString(PyExc_ImportError, "once"); return NULL; }
    /// ```
    ///
    /// ## How to fix
    /// Use multi-phase initialisation.
    pub struct ReimportRefused { id: "reimport-refused", severity: Info, group: Scenario }
}

checkmeta::declare_meta! {
    /// ## What it does
    /// Runs each pytest test repeatedly and reports reference leaks.
    ///
    /// ## Why is this bad?
    /// A leak per call grows without bound in a long-running process.
    ///
    /// ## Example
    /// ```c
    /// return Py_BuildValue("O", obj);  /* obj's reference is never released */
    /// ```
    ///
    /// ## How to fix
    /// Release every new reference on every path.
    pub struct TestLeak { id: "test-leak", severity: Error, group: Pytest }
}

pub fn harness_rules() -> Vec<CheckMeta> {
    vec![
        SingletonState::META,
        ReinitCrash::META,
        ReimportRefused::META,
        TestLeak::META,
    ]
}

pub fn inspector_rules() -> Vec<CheckMeta> {
    checks::registry::CHECKS.iter().map(|c| c.meta).collect()
}

pub const WHEEL: &str = "dist/spam-1.0-cp312-cp312-manylinux_2_17_x86_64.whl";
pub const MEMBER: &str = "spam/_native.cpython-312-x86_64-linux-gnu.so";

pub fn diagnostic(check: &'static str, severity: Severity, message: &str, key: &str) -> Diagnostic {
    Diagnostic {
        check,
        severity,
        message: message.to_string(),
        context: None,
        source: None,
        fingerprint: format!("{check}|{key}"),
        properties: Map::new(),
    }
}

fn properties(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("fixtures pass objects"),
    }
}

fn subject(label: &str, file: Option<&str>) -> Subject {
    Subject {
        label: label.to_string(),
        file: file.map(str::to_string),
        member: None,
        module: None,
        status: Status::Checked,
        checked: Vec::new(),
        suppressed: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// What `extinspect dist/ build/ broken/` could report.
pub fn inspector_run() -> Run {
    let rules = inspector_rules();
    let all: Vec<&'static str> = rules.iter().map(|m| m.id).collect();

    let label = format!("{WHEEL}!{MEMBER}");
    let mut member = subject(&label, Some(WHEEL));
    member.member = Some(MEMBER.to_string());
    member.module = Some("spam._native".to_string());
    member.checked = all
        .iter()
        .copied()
        .filter(|id| *id != "single-phase-init")
        .collect();
    member.suppressed = vec![Suppressed {
        check: "single-phase-init",
        reason: "legacy module, tracked in #12".to_string(),
    }];
    let mut private = diagnostic(
        "private-api",
        Severity::Warning,
        "uses 2 private CPython functions: _PyObject_GC_Malloc, _Py_Dealloc",
        &label,
    );
    private.properties = properties(json!({"symbols": ["_PyObject_GC_Malloc", "_Py_Dealloc"]}));
    member.diagnostics = vec![
        diagnostic(
            "missing-init-symbol",
            Severity::Error,
            "no exported init function `PyInit__native` for module `_native`; it exports `PyInit_native`; did you mean module `native`? (rename the file, or the init function)",
            &format!("{label}|_native"),
        ),
        private,
    ];

    let eggs_file = "build/lib.linux-x86_64-cpython-312/eggs.cpython-312-x86_64-linux-gnu.so";
    let mut eggs = subject(eggs_file, Some(eggs_file));
    eggs.module = Some("eggs".to_string());
    eggs.checked = all.clone();
    eggs.diagnostics = vec![diagnostic(
        "abi3-candidate",
        Severity::Info,
        "uses only the stable ABI of 3.8; it could be built once as abi3",
        eggs_file,
    )];

    let odd_file = "build/my ext/ünïcode#1.cpython-312-x86_64-linux-gnu.so";
    let mut odd = subject(odd_file, Some(odd_file));
    odd.module = Some("ünïcode#1".to_string());
    odd.checked = all.clone();
    odd.diagnostics = vec![diagnostic(
        "suffix-not-importable",
        Severity::Error,
        "`ünïcode#1` is not a Python identifier; no loader would import this file",
        odd_file,
    )];

    let mut init_py = subject(&format!("{WHEEL}!spam/__init__.py"), Some(WHEEL));
    init_py.member = Some("spam/__init__.py".to_string());
    init_py.status = Status::Skipped("not an extension module".to_string());

    let broken_file = "broken/truncated.cpython-312-x86_64-linux-gnu.so";
    let mut broken = subject(broken_file, Some(broken_file));
    broken.status = Status::Error("unreadable: ELF header cut short at 12 bytes".to_string());

    Run {
        tool: INSPECTOR,
        rules,
        subjects: vec![member, eggs, odd, init_py, broken],
        notices: vec![Notice {
            level: Severity::Warning,
            message: "unused suppression: `abi3-candidate` for `build/old/*.so` matched no file"
                .to_string(),
            file: Some("pyproject.toml".to_string()),
            line: Some(42),
        }],
        cwd: PathBuf::from("/work/repo"),
    }
}

/// What `extharness check target/samples/... --module _testsinglephase`
/// and `extharness pytest` could report.
pub fn harness_run() -> Run {
    let rules = harness_rules();
    let all: Vec<&'static str> = rules.iter().map(|m| m.id).collect();

    let state_file =
        "target/samples/cp312-x86_64-linux-gnu/singlephase_state.cpython-312-x86_64-linux-gnu.so";
    let mut state = subject(state_file, Some(state_file));
    state.module = Some("singlephase_state".to_string());
    state.checked = all.clone();
    let mut singleton = diagnostic(
        "singleton-state",
        Severity::Warning,
        "`counter` keeps its value across re-imports (1 → 2)",
        state_file,
    );
    singleton.context = Some("CPython 3.12.1, scenario reimport".to_string());
    singleton.properties = properties(json!({"attribute": "counter", "before": 1, "after": 2}));
    let mut crash = diagnostic(
        "reinit-crash",
        Severity::Error,
        "SIGABRT in cycle 2 at abort_reinit_init (abort_reinit.c:57)",
        state_file,
    );
    crash.context = Some("CPython 3.12.1, scenario reinit".to_string());
    crash.source = Some(SourceLocation {
        file: "/work/repo/sample-modules/c/abort_reinit.c".to_string(),
        line: 57,
    });
    crash.properties = properties(json!({"signal": "SIGABRT", "cycle": 2}));
    state.diagnostics = vec![singleton, crash];

    let mut module = subject("_testsinglephase", None);
    module.module = Some("_testsinglephase".to_string());
    module.checked = all.clone();
    let mut refused = diagnostic(
        "reimport-refused",
        Severity::Info,
        "ImportError: module _testsinglephase does not support loading in subinterpreters",
        "_testsinglephase",
    );
    refused.context = Some("CPython 3.12.1, scenario subinterpreter".to_string());
    module.diagnostics = vec![refused];

    let test = "tests/test_leaks.py::test_roundtrip[small]";
    let mut pytest = subject(test, Some("tests/test_leaks.py"));
    pytest.checked = vec!["test-leak"];
    let mut leak = diagnostic(
        "test-leak",
        Severity::Error,
        "leaks 1 reference per run (3 runs: 1, 1, 1)",
        test,
    );
    leak.context = Some("CPython 3.11.9 (debug)".to_string());
    leak.source = Some(SourceLocation {
        file: "src/_ext.c".to_string(),
        line: 118,
    });
    pytest.diagnostics = vec![leak];

    let hang_file = "target/samples/cp312-x86_64-linux-gnu/hang.cpython-312-x86_64-linux-gnu.so";
    let mut hang = subject(hang_file, Some(hang_file));
    hang.status = Status::Error("harness error: child exited before reporting".to_string());

    let mut pyd = subject(
        "dist/win/spam.cp312-win_amd64.pyd",
        Some("dist/win/spam.cp312-win_amd64.pyd"),
    );
    pyd.status = Status::Skipped("cannot run here: a PE (Windows) module".to_string());

    Run {
        tool: HARNESS,
        rules,
        subjects: vec![state, module, pytest, hang, pyd],
        notices: vec![
            Notice {
                level: Severity::Info,
                message: "python3.13t skipped: free-threaded builds are not supported".to_string(),
                file: None,
                line: None,
            },
            Notice {
                level: Severity::Error,
                message: "/opt/py/bin/python3.9 could not be used: the probe exited with status 1"
                    .to_string(),
                file: None,
                line: None,
            },
        ],
        cwd: PathBuf::from("/work/repo"),
    }
}

pub fn empty_run(tool: Tool, rules: Vec<CheckMeta>) -> Run {
    Run {
        tool,
        rules,
        subjects: Vec::new(),
        notices: Vec::new(),
        cwd: PathBuf::from("/work/repo"),
    }
}

/// Every realistic run, named for failure messages.
pub fn realistic_runs() -> Vec<(&'static str, Run)> {
    vec![
        ("inspector", inspector_run()),
        ("harness", harness_run()),
        ("empty inspector", empty_run(INSPECTOR, inspector_rules())),
        ("empty harness", empty_run(HARNESS, harness_rules())),
    ]
}

/// Strings that stress every escaping rule: markup, quotes, the
/// workflow-command separators, percent signs, line breaks, characters
/// XML forbids, and any other character.
pub fn hostile_string() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '<', '>', '&', '"', '\'', '\r', '\n', '\t', '\0', '\u{1b}', '\u{b}', '\u{c}', '\u{7f}',
        '\u{85}', '\u{2028}', '\u{fffe}', '\u{ffff}', '%', ':', ',', ']', '=', '/', '\\', '#', '?',
        ' ', 'é', '𝄞',
    ]);
    prop::collection::vec(prop_oneof![3 => special, 2 => any::<char>()], 0..16)
        .prop_map(String::from_iter)
}

/// A check id the test registry knows, so that hostile runs still name
/// real rules.
pub fn check_id() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "singleton-state",
        "reinit-crash",
        "reimport-refused",
        "test-leak",
        "not-in-the-rules",
    ])
}

pub fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(vec![Severity::Error, Severity::Warning, Severity::Info])
}

fn hostile_properties() -> impl Strategy<Value = Map<String, Value>> {
    let value = prop_oneof![
        hostile_string().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::collection::vec(hostile_string(), 0..3).prop_map(Value::from),
    ];
    let key = prop_oneof![
        hostile_string(),
        Just("tags".to_string()),
        Just("subject".to_string()),
    ];
    prop::collection::btree_map(key, value, 0..3).prop_map(|m| m.into_iter().collect())
}

fn hostile_diagnostic() -> impl Strategy<Value = Diagnostic> {
    (
        check_id(),
        severity(),
        hostile_string(),
        prop::option::of(hostile_string()),
        prop::option::of((hostile_string(), 0u32..500)),
        hostile_string(),
        hostile_properties(),
    )
        .prop_map(
            |(check, severity, message, context, source, fingerprint, properties)| Diagnostic {
                check,
                severity,
                message,
                context,
                source: source.map(|(file, line)| SourceLocation { file, line }),
                fingerprint,
                properties,
            },
        )
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        2 => Just(Status::Checked),
        1 => hostile_string().prop_map(Status::Skipped),
        1 => hostile_string().prop_map(Status::Error),
    ]
}

fn hostile_subject() -> impl Strategy<Value = Subject> {
    (
        hostile_string(),
        prop::option::of(hostile_string()),
        prop::option::of(hostile_string()),
        prop::option::of(hostile_string()),
        status(),
        prop::collection::vec(check_id(), 0..3),
        prop::collection::vec((check_id(), hostile_string()), 0..2),
        prop::collection::vec(hostile_diagnostic(), 0..4),
    )
        .prop_map(
            |(label, file, member, module, status, checked, suppressed, diagnostics)| Subject {
                label,
                file,
                member,
                module,
                status,
                checked,
                suppressed: suppressed
                    .into_iter()
                    .map(|(check, reason)| Suppressed { check, reason })
                    .collect(),
                diagnostics,
            },
        )
}

fn hostile_notice() -> impl Strategy<Value = Notice> {
    (
        severity(),
        hostile_string(),
        prop::option::of(hostile_string()),
        prop::option::of(0u32..500),
    )
        .prop_map(|(level, message, file, line)| Notice {
            level,
            message,
            file,
            line,
        })
}

/// A harness-like run whose every string is hostile.
pub fn hostile_run() -> impl Strategy<Value = Run> {
    (
        prop::collection::vec(hostile_subject(), 0..4),
        prop::collection::vec(hostile_notice(), 0..3),
    )
        .prop_map(|(subjects, notices)| Run {
            tool: HARNESS,
            rules: harness_rules(),
            subjects,
            notices,
            cwd: PathBuf::from("/work/a repo/ü"),
        })
}

/// All diagnostics of a run, as `(check, severity)` pairs, sorted: what
/// every format must show.
pub fn findings(run: &Run) -> Vec<(String, &'static str)> {
    let mut all: Vec<(String, &'static str)> = run
        .subjects
        .iter()
        .flat_map(|s| s.diagnostics.iter())
        .map(|d| (d.check.to_string(), d.severity.name()))
        .collect();
    all.sort();
    all
}

/// Finds a program on `PATH`. When it is missing, the calling test is
/// skipped, except where `CI` is set: what CI must test may not be skipped
/// there.
pub fn required_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed, and CI is set: install it (Debian: libxml2-utils)"
        );
        eprintln!("skipping: {name} is not installed (Debian: apt-get install libxml2-utils)");
    }
    found
}
