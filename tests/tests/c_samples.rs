//! Every C sample behaves, under every interpreter it supports, as its header
//! comment says.

mod common;

use std::collections::BTreeSet;

use common::{ensure, facts, gil_facts, on_every_interpreter, proof, run_python};
use sample_modules::{BuiltModule, Corpus, Language};
use serde_json::{Value, json};

fn has_own_gil(interpreter: &interpreters::Interpreter) -> bool {
    interpreter.version.feature() >= (3, 12)
}

/// What CPython's loader says in parentheses when a module's file defines
/// none of the entry points it looks for: from 3.15 the PEP 793 export hook
/// first, then `PyInit_` (Python/importdl.c).
fn entry_points_looked_for(py: &interpreters::Interpreter, name: &str) -> String {
    if py.version.feature() >= (3, 15) {
        format!("(PyModExport_{name} or PyInit_{name})")
    } else {
        format!("(PyInit_{name})")
    }
}

#[test]
fn clean_multiphase_keeps_state_per_module() {
    on_every_interpreter("clean_multiphase", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/clean_multiphase.py"),
            &[],
        )?;
        ensure(f["counts"] == json!([1, 2]), || format!("counter: {f}"))?;
        ensure(f["raised"] == "failure on request", || {
            format!("fail(): {f}")
        })?;
        for fresh in ["fresh_module", "fresh_function", "fresh_error_type"] {
            ensure(f[fresh] == true, || format!("{fresh} after re-import: {f}"))?;
        }
        ensure(f["counter_after_reimport"] == 1, || {
            format!("state survived re-import: {f}")
        })?;
        // Only the Py_mod_multiple_interpreters slot lets it into an own-GIL interpreter.
        let expected = if has_own_gil(py) {
            Value::Null
        } else {
            json!("unavailable")
        };
        ensure(f["own_gil_import"] == expected, || {
            format!("own-GIL import: {f}")
        })
    });
}

#[test]
fn singlephase_state_hands_back_the_same_objects() {
    on_every_interpreter("singlephase_state", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/singlephase_state.py"),
            &[],
        )?;
        ensure(f["same_module"] == false, || format!("module object: {f}"))?;
        for same in [
            "same_function",
            "same_error_type",
            "cached_error_is_attribute",
        ] {
            ensure(f[same] == true, || format!("{same}: {f}"))?;
        }
        ensure(
            f["counts"] == json!([1, 2]) && f["counter_after_reimport"] == 3,
            || format!("process-wide counter: {f}"),
        )?;
        let refused = f["own_gil_import"].as_str().unwrap_or("");
        if has_own_gil(py) {
            ensure(
                refused.contains("does not support loading in subinterpreters"),
                || format!("own-GIL import should be refused: {f}"),
            )?;
        }
        Ok(())
    });
}

#[test]
fn leak_per_call_leaks_one_reference_per_call() {
    on_every_interpreter("leak_per_call", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/leak_per_call.py"),
            &[],
        )?;
        ensure(f["leak_delta"] == f["calls"], || format!("leak(): {f}"))?;
        ensure(f["no_leak_delta"] == 0, || format!("no_leak(): {f}"))
    });
}

#[test]
fn error_path_leak_leaks_only_when_set_item_fails() {
    on_every_interpreter("error_path_leak", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/error_path_leak.py"),
            &[],
        )?;
        ensure(f["list_filled"] == true, || {
            format!("success path result: {f}")
        })?;
        ensure(f["success_path_delta"] == 0, || {
            format!("success path leaked: {f}")
        })?;
        ensure(
            f["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("TypeError")),
            || format!("a tuple must be refused: {f}"),
        )?;
        ensure(f["error_path_delta"] == f["calls"], || {
            format!("error path: {f}")
        })
    });
}

#[test]
fn static_cache_pergil_shares_one_object_everywhere() {
    on_every_interpreter("static_cache_pergil", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/static_cache_pergil.py"),
            &[],
        )?;
        ensure(f["fresh_module"] == true && f["same_cache"] == true, || {
            format!("re-import: {f}")
        })?;
        // It declares own-GIL support, so it loads there, and hands the
        // subinterpreter the main interpreter's dict.
        let expected = if has_own_gil(py) {
            Value::Null
        } else {
            json!("unavailable")
        };
        ensure(f["own_gil_sees_main_object"] == expected, || {
            format!("own GIL: {f}")
        })
    });
}

#[test]
fn shutdown_crash_dies_by_a_signal_after_working() {
    on_every_interpreter("shutdown_crash", |py, corpus, _| {
        let outcome = run_python(
            py,
            &corpus.dir,
            &proof(include_str!("proofs/shutdown_crash.py")),
            &[],
        );
        ensure(outcome.json()["ping"] == 1, || {
            format!("module did not work first: {outcome:?}")
        })?;
        // SIGSEGV, or SIGABRT where a debug build's thread-state check fires first.
        ensure(matches!(outcome.signal, Some(11 | 6)), || {
            format!("expected death by SIGSEGV/SIGABRT: {outcome:?}")
        })
    });
}

/// Fine without the debug allocator hooks (on release builds), killed by
/// them with `fatal` (on debug builds they are on by default).
fn only_the_debug_hooks_see_it(sample: &str, function: &str, fatal: &str) {
    on_every_interpreter(sample, |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/malloc_hooks.py"),
            &[sample, function],
        )?;
        let aborted = |run: &serde_json::Value| {
            run["returncode"] == -6 && run["fatal"][0].as_str().is_some_and(|l| l.contains(fatal))
        };
        if py.debug {
            ensure(aborted(&f["plain"]), || {
                format!("a debug build has the hooks on: {f}")
            })?;
        } else {
            ensure(
                f["plain"]["returncode"] == 0 && f["plain"]["stdout"] == "survived",
                || format!("without the hooks it must run: {f}"),
            )?;
        }
        ensure(aborted(&f["hooks"]), || {
            format!("expected SIGABRT with {fatal:?} under -X dev: {f}")
        })
    });
}

#[test]
fn buffer_overrun_is_caught_only_by_the_debug_hooks() {
    only_the_debug_hooks_see_it("buffer_overrun", "fill", "bad trailing pad byte");
}

#[test]
fn gil_misuse_is_caught_only_by_the_debug_hooks() {
    only_the_debug_hooks_see_it(
        "gil_misuse",
        "release_scratch",
        "called without holding the GIL",
    );
}

#[test]
fn shutdown_hang_never_finishes_exiting_after_working() {
    on_every_interpreter("shutdown_hang", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/shutdown_hang.py"),
            &[],
        )?;
        // The same child without the module exits at once: the hang is the module's.
        let control = &f["control"];
        ensure(
            control["hung"] == false && control["returncode"] == 0,
            || format!("control child: {f}"),
        )?;
        let module = &f["module"];
        ensure(
            module["lines"] == json!(["ping 1", "python-atexit-ran"]),
            || format!("module did not work, or Python did not start finalising: {f}"),
        )?;
        ensure(module["hung"] == true, || {
            format!("expected the process to outlive its exit deadline: {f}")
        })
    });
}

#[test]
fn refuse_reinit_refuses_a_second_initialisation() {
    on_every_interpreter("refuse_reinit", |py, corpus, _| {
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/refuse_reinit.py"),
            &[],
        )?;
        ensure(
            f["second_import"] == "ImportError: cannot load module more than once per process",
            || format!("second import: {f}"),
        )
    });
}

#[test]
fn abort_reinit_aborts_on_a_second_initialisation() {
    on_every_interpreter("abort_reinit", |py, corpus, _| {
        let outcome = run_python(
            py,
            &corpus.dir,
            &proof(include_str!("proofs/abort_reinit.py")),
            &[],
        );
        ensure(outcome.stdout.contains(r#""first_import": "ok""#), || {
            format!("first import: {outcome:?}")
        })?;
        ensure(!outcome.stdout.contains("survived"), || {
            format!("second import survived: {outcome:?}")
        })?;
        ensure(outcome.signal == Some(6), || {
            format!("expected SIGABRT: {outcome:?}")
        })
    });
}

#[test]
fn non_ascii_modules_import_under_their_unicode_names() {
    for (id, name) in [("unicode_cafe", "café"), ("unicode_cjk", "模块")] {
        on_every_interpreter(id, |py, corpus, module| {
            let file = module.path.file_name().unwrap().to_string_lossy();
            ensure(file.starts_with(name), || format!("file name {file}"))?;
            let f = facts(
                py,
                &corpus.dir,
                include_str!("proofs/unicode_names.py"),
                &[name],
            )?;
            ensure(f["dunder_name"] == name && f["c_name"] == name, || {
                format!("{id}: {f}")
            })
        });
    }
}

#[test]
fn non_ascii_init_symbols_are_python_punycode() {
    // Whatever the inspector computes later, the exported names are CPython's.
    let py = &common::interpreters()[0];
    let script = "import json; print(json.dumps([n.encode('punycode').decode().replace('-', '_') for n in ['café', '模块']]))";
    let outcome = run_python(py, std::path::Path::new("/"), script, &[]);
    assert_eq!(outcome.json(), json!(["caf_dma", "gfs105b"]), "{outcome:?}");
    on_every_interpreter("unicode_cafe", |_, _, m| {
        symbol_defined(m, "PyInitU_caf_dma")
    });
    on_every_interpreter("unicode_cjk", |_, _, m| {
        symbol_defined(m, "PyInitU_gfs105b")
    });
}

fn symbol_defined(module: &sample_modules::BuiltModule, symbol: &str) -> Result<(), String> {
    let exports = common::llvm(
        "llvm-nm",
        &["-D", "--defined-only", "--format=just-symbols"],
        &module.path,
    );
    ensure(exports.lines().any(|l| l == symbol), || {
        format!("{symbol} not exported: {exports}")
    })
}

#[test]
fn init_name_mismatch_fails_to_import_by_its_file_name() {
    on_every_interpreter("init_name_mismatch", |py, corpus, module| {
        let path = module.path.to_string_lossy();
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/init_name_mismatch.py"),
            &[&path],
        )?;
        let error = f["import_error"].as_str().unwrap_or("");
        ensure(
            error.starts_with("ImportError")
                && error.contains(&entry_points_looked_for(py, "init_name_mismatch")),
            || format!("import by file name: {f}"),
        )?;
        ensure(f["loads_as"] == "renamed_module", || {
            format!("the init it has: {f}")
        })
    });
}

#[test]
fn hidden_init_is_defined_but_not_exported() {
    on_every_interpreter("hidden_init", |py, corpus, module| {
        let f = facts(py, &corpus.dir, include_str!("proofs/hidden_init.py"), &[])?;
        let error = f["import_error"].as_str().unwrap_or("");
        ensure(
            error.contains(&entry_points_looked_for(py, "hidden_init")),
            || format!("import: {f}"),
        )?;
        let all = common::llvm("llvm-nm", &[], &module.path);
        ensure(
            all.lines().any(|l| l.ends_with(" t PyInit_hidden_init")),
            || format!("expected a local (t) definition: {all}"),
        )?;
        let dynamic = common::llvm("llvm-nm", &["-D", "--defined-only"], &module.path);
        ensure(!dynamic.contains("PyInit_hidden_init"), || {
            format!("exported: {dynamic}")
        })
    });
}

#[test]
fn multi_init_holds_three_modules() {
    on_every_interpreter("multi_init", |py, corpus, module| {
        let path = module.path.to_string_lossy();
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/multi_init.py"),
            &[&path],
        )?;
        ensure(
            f["names"] == json!(["multi_init", "multi_init_foo", "multi_init_bar"]),
            || format!("{f}"),
        )
    });
}

/// The variable `sid_root.rs` names the host's 3.8 build of `limited_abi3`
/// in, for the tests it runs in the sid root (which has no 3.8).
const LIMITED_ABI3_38: &str = "EXTINSPECT_LIMITED_ABI3_38";

#[test]
fn limited_abi3_is_stable_abi_3_8_and_one_binary_loads_everywhere() {
    let stable = common::stable_abi();
    // In the sid root, the host's 3.8 build, which sid_root.rs made and named.
    let built_for_38 = match std::env::var_os(LIMITED_ABI3_38) {
        Some(path) if common::in_sid_root() => path.into(),
        _ => {
            let oldest = common::interpreters()
                .iter()
                .find(|i| !i.debug && i.version.feature() == (3, 8))
                .expect("CPython 3.8 is needed to prove a 3.8 abi3 binary");
            common::corpus(oldest)
                .module("limited_abi3")
                .unwrap()
                .path
                .clone()
        }
    };
    let imports = common::undefined_python_symbols(&built_for_38);
    assert!(!imports.is_empty());
    for symbol in &imports {
        let added = stable.get(symbol);
        assert!(
            added.is_some_and(|v| *v <= (3, 8)),
            "{symbol}: stable ABI since {added:?}"
        );
    }
    on_every_interpreter("limited_abi3", |py, corpus, _| {
        let path = built_for_38.to_string_lossy();
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/limited_abi3.py"),
            &[&path],
        )?;
        ensure(f["add"] == 5, || format!("{f}"))
    });
}

#[test]
fn fake_abi3_imports_outside_the_stable_abi() {
    let stable = common::stable_abi();
    on_every_interpreter("fake_abi3", |py, corpus, module| {
        let imports = common::undefined_python_symbols(&module.path);
        ensure(
            imports.iter().any(|s| s == "PyUnicode_AsUTF8")
                && !stable.contains_key("PyUnicode_AsUTF8"),
            || format!("imports: {imports:?}"),
        )?;
        let f = facts(py, &corpus.dir, include_str!("proofs/fake_abi3.py"), &[])?;
        ensure(f["first_char"] == 0xc3, || format!("{f}"))
    });
}

#[test]
fn links_libpython_needs_the_interpreters_libpython() {
    on_every_interpreter("links_libpython", |py, corpus, module| {
        let needed = common::needed_libs(&module.path);
        let lib = py
            .ldlibrary
            .as_deref()
            .unwrap_or("?")
            .trim_end_matches(".so");
        ensure(needed.iter().any(|l| l.starts_with(lib)), || {
            format!("needed: {needed:?}")
        })?;
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/links_libpython.py"),
            &[],
        )?;
        ensure(f["ping"] == 1, || format!("{f}"))
    });
}

/// The export hook is the module's one entry point: defined and exported,
/// and no `PyInit_` beside it.
fn only_the_export_hook(module: &BuiltModule, hook: &str) -> Result<(), String> {
    symbol_defined(module, hook)?;
    let exports = common::llvm(
        "llvm-nm",
        &["-D", "--defined-only", "--format=just-symbols"],
        &module.path,
    );
    ensure(!exports.lines().any(|l| l.starts_with("PyInit")), || {
        format!("a PyInit_ beside {hook}: {exports}")
    })
}

/// A PEP 793 module (`PyModExport_` or `PyModExportU_`, no `PyInit_`) holds
/// its state per module object, as clean_multiphase does with PyInit_.
fn pep793_module_keeps_state_per_module(id: &str, name: &str, hook: &str) {
    on_every_interpreter(id, |py, corpus, module| {
        only_the_export_hook(module, hook)?;
        let f = facts(py, &corpus.dir, include_str!("proofs/pep793.py"), &[name])?;
        ensure(f["name"] == name, || format!("__name__: {f}"))?;
        ensure(f["counts"] == json!([1, 2]), || format!("counter: {f}"))?;
        ensure(f["raised"] == "Error: failure on request", || {
            format!("fail(): {f}")
        })?;
        for fresh in ["fresh_module", "fresh_function", "fresh_error_type"] {
            ensure(f[fresh] == true, || format!("{fresh} after re-import: {f}"))?;
        }
        ensure(f["counter_after_reimport"] == 1, || {
            format!("state survived re-import: {f}")
        })?;
        ensure(f["own_gil_import"].is_null(), || {
            format!("own-GIL import: {f}")
        })
    });
}

#[test]
fn pep793_export_is_a_module_made_by_its_export_hook_alone() {
    pep793_module_keeps_state_per_module(
        "pep793_export",
        "pep793_export",
        "PyModExport_pep793_export",
    );
}

#[test]
fn pep793_unicode_exports_its_hook_under_the_punycode_name() {
    pep793_module_keeps_state_per_module("pep793_unicode", "modèle", "PyModExportU_modle_6ra");
}

/// One abi3t binary loads in every 3.15 under test: the build made with
/// each interpreter's headers is loaded by every one of them, release and
/// debug; its file is `.abi3t.so`, which each lists, its hook is its only
/// entry point and it imports only the stable ABI of 3.15.
#[test]
fn abi3t_export_one_binary_loads_in_every_3_15_build() {
    let stable = common::stable_abi();
    let builds: Vec<(String, std::path::PathBuf)> = common::interpreters()
        .iter()
        .filter_map(|py| {
            let module = common::corpus(py).module("abi3t_export")?.path.clone();
            Some((py.tag(), module))
        })
        .collect();
    on_every_interpreter("abi3t_export", |py, corpus, module| {
        let file = module.path.file_name().unwrap().to_string_lossy();
        ensure(file == "abi3t_export.abi3t.so", || {
            format!("file name {file}")
        })?;
        only_the_export_hook(module, "PyModExport_abi3t_export")?;
        for symbol in common::undefined_python_symbols(&module.path) {
            let added = stable.get(&symbol);
            ensure(added.is_some_and(|v| *v <= (3, 15)), || {
                format!("{symbol}: stable ABI since {added:?}")
            })?;
        }
        for (built_by, path) in &builds {
            let path = path.to_string_lossy();
            let f = facts(
                py,
                &corpus.dir,
                include_str!("proofs/abi3t_export.py"),
                &[&path],
            )?;
            ensure(
                f["counts"] == json!([1, 2]) && f["suffix_listed"] == true,
                || format!("the build for {built_by}: {f}"),
            )?;
            ensure(f["debug"] == py.debug, || format!("debug build: {f}"))?;
        }
        Ok(())
    });
}

/// Both entry points are exported by every build; 3.15 calls the export
/// hook and never PyInit_, older versions call PyInit_.
#[test]
fn init_and_export_is_made_by_the_hook_from_3_15_and_by_pyinit_before() {
    on_every_interpreter("init_and_export", |py, corpus, module| {
        symbol_defined(module, "PyInit_init_and_export")?;
        symbol_defined(module, "PyModExport_init_and_export")?;
        let f = facts(
            py,
            &corpus.dir,
            include_str!("proofs/init_and_export.py"),
            &[],
        )?;
        let (entry, doc) = if py.version.feature() >= (3, 15) {
            ("PyModExport", "Made by PyModExport_.")
        } else {
            ("PyInit", "Made by PyInit_.")
        };
        ensure(
            f["entry"] == entry && f["entry_point"] == entry && f["doc"] == doc,
            || format!("expected {entry}: {f}"),
        )
    });
}

/// What one kind of subinterpreter (`legacy`: shared GIL; `isolated`: own
/// GIL, 3.12+) makes of `module` after the main interpreter imported it, as
/// harness findings: an ImportError there is subinterpreter-refused, a death
/// by a signal subinterpreter-crash, and module attributes that are the main
/// interpreter's very objects subinterpreter-shared-objects (whose names are
/// returned too).
fn in_subinterpreter(
    py: &interpreters::Interpreter,
    corpus: &Corpus,
    module: &BuiltModule,
    kind: &str,
) -> Result<(BTreeSet<&'static str>, Value), String> {
    let script = proof(include_str!("proofs/c_subinterpreters.py"));
    let outcome = run_python(py, &corpus.dir, &script, &[&module.sample.module, kind]);
    ensure(
        outcome.stdout.contains(r#"{"main_imported": true}"#),
        || format!("{kind}: the main interpreter's import: {outcome:?}"),
    )?;
    if outcome.signal.is_some() {
        return Ok((BTreeSet::from(["subinterpreter-crash"]), Value::Null));
    }
    ensure(outcome.succeeded(), || format!("{kind}: {outcome:?}"))?;
    let f = outcome.json();
    ensure(f["failure"].is_null(), || format!("{kind}: {f}"))?;
    let mut found = BTreeSet::new();
    match f["error"].as_str() {
        None => {}
        Some(e) if e.starts_with("ImportError: ") => {
            found.insert("subinterpreter-refused");
        }
        Some(_) => return Err(format!("{kind}: not an ImportError: {f}")),
    }
    if f["shared"] != json!([]) {
        found.insert("subinterpreter-shared-objects");
    }
    Ok((found, f["shared"].clone()))
}

/// Every C sample that imports is taken into a legacy subinterpreter (every
/// version) and an isolated one (3.12+), each in its own process, and what
/// they make of it is exactly the `subinterpreter-*` findings its header
/// expects on that version.
#[test]
fn c_samples_in_subinterpreters_are_what_their_headers_say() {
    // The objects a subinterpreter shares, where the header says it does.
    let shared_objects = |id: &str| match id {
        "singlephase_state" => json!(["Error", "error_type", "increment"]),
        "static_cache_pergil" => json!(["cache"]),
        "singlephase_setgil" => json!(["add", "declares_gil_not_used"]),
        "singlephase_no_setgil" => json!(["add"]),
        _ => json!([]),
    };
    for sample in importable_c_samples() {
        on_every_interpreter(&sample.id, |py, corpus, module| {
            let expected: BTreeSet<&str> = sample
                .harness_expected_on(py.version)
                .into_iter()
                .filter(|id| id.starts_with("subinterpreter-"))
                .collect();
            let mut found = BTreeSet::new();
            let kinds: &[&str] = if has_own_gil(py) {
                &["legacy", "isolated"]
            } else {
                &["legacy"]
            };
            for kind in kinds {
                let (findings, shared) = in_subinterpreter(py, corpus, module, kind)?;
                if findings.contains("subinterpreter-shared-objects") {
                    ensure(shared == shared_objects(&sample.id), || {
                        format!("{kind} shares {shared}")
                    })?;
                }
                found.extend(findings);
            }
            ensure(found == expected, || {
                format!("found {found:?} in subinterpreters, the header expects {expected:?}")
            })
        });
    }
}

#[test]
fn every_c_sample_has_a_proof_here() {
    let source = include_str!("c_samples.rs");
    for sample in sample_modules::catalog().unwrap() {
        if sample.language == sample_modules::Language::C {
            assert!(
                source.contains(&format!("\"{}\"", sample.id)),
                "{} has no proof",
                sample.id
            );
        }
    }
}

/// The C samples whose headers expect them to import.
fn importable_c_samples() -> Vec<sample_modules::Sample> {
    sample_modules::catalog()
        .unwrap()
        .into_iter()
        .filter(|s| s.language == Language::C && !s.harness.iter().any(|e| e.id == "import-error"))
        .collect()
}

/// The slot exists from 3.13; earlier versions have nothing to read.
fn has_gil_slot(py: &interpreters::Interpreter) -> bool {
    py.version.feature() >= (3, 13)
}

/// On every GIL build from 3.13, each C sample that imports declares
/// `Py_MOD_GIL_NOT_USED` exactly when its header expects no `gil-required`
/// there: the headers are held to CPython's own view of each definition,
/// independently of the harness. A single-phase module can declare only by
/// calling `PyUnstable_Module_SetGIL`, which a GIL build does not export: it
/// is undecided there, and its header expects nothing.
#[test]
fn c_samples_declare_gil_not_used_exactly_when_their_headers_expect_no_gil_required() {
    for sample in importable_c_samples() {
        on_every_interpreter(&sample.id, |py, corpus, module| {
            let required = sample
                .harness_expected_on(py.version)
                .contains(&"gil-required");
            if !has_gil_slot(py) || py.free_threaded {
                return ensure(!required, || {
                    format!("gil-required is decided on GIL builds of 3.13+ only, not {py}")
                });
            }
            let f = gil_facts(py, corpus, module)?;
            ensure(f["gil_disabled_build"] == false, || format!("{f}"))?;
            ensure(f["setgil_exported"] == false, || {
                format!("a GIL build exports PyUnstable_Module_SetGIL: {f}")
            })?;
            // A single-phase GIL build cannot declare at all: the harness
            // leaves it undecided, and its header must not expect a finding.
            if f["single_phase"] == true {
                return ensure(!required, || {
                    format!(
                        "single-phase: gil-required is undecided on {py}, yet the header expects it"
                    )
                });
            }
            let declared = f["py_mod_gil"] == json!(["Py_MOD_GIL_NOT_USED"]);
            ensure(declared != required, || {
                format!(
                    "declares {}, the header expects gil-required: {required}",
                    f["py_mod_gil"]
                )
            })
        });
    }
}

#[test]
fn gil_not_used_declares_it_in_its_definition() {
    on_every_interpreter("gil_not_used", |py, corpus, module| {
        let f = gil_facts(py, corpus, module)?;
        ensure(
            f["single_phase"] == false
                && f["def_name"] == "gil_not_used"
                && f["py_mod_gil"] == json!(["Py_MOD_GIL_NOT_USED"]),
            || format!("{f}"),
        )
    });
}

#[test]
fn gil_slot_missing_has_no_gil_slot() {
    on_every_interpreter("gil_slot_missing", |py, corpus, module| {
        let f = gil_facts(py, corpus, module)?;
        // Its one slot is Py_mod_multiple_interpreters.
        ensure(
            f["single_phase"] == false
                && f["slots"].as_array().is_some_and(|s| s.len() == 1)
                && f["py_mod_gil"] == json!([]),
            || format!("{f}"),
        )
    });
}

#[test]
fn gil_declared_used_says_it_needs_the_gil() {
    on_every_interpreter("gil_declared_used", |py, corpus, module| {
        let f = gil_facts(py, corpus, module)?;
        ensure(f["py_mod_gil"] == json!(["Py_MOD_GIL_USED"]), || {
            format!("{f}")
        })
    });
}

/// Both single-phase samples have no slots (m_slots NULL, m_size -1), and on
/// a GIL build neither imports `PyUnstable_Module_SetGIL`, which the
/// interpreter does not export: singlephase_setgil's call is compiled out,
/// as its `declares_gil_not_used()` says.
#[test]
fn single_phase_samples_cannot_declare_on_a_gil_build() {
    for id in ["singlephase_setgil", "singlephase_no_setgil"] {
        on_every_interpreter(id, |py, corpus, module| {
            let f = gil_facts(py, corpus, module)?;
            ensure(
                f["single_phase"] == true && f["m_size"] == -1 && f["py_mod_gil"] == json!([]),
                || format!("{f}"),
            )?;
            ensure(f["setgil_exported"] == false, || format!("{f}"))?;
            let imports = common::undefined_python_symbols(&module.path);
            ensure(
                !imports.iter().any(|s| s == "PyUnstable_Module_SetGIL"),
                || format!("imports: {imports:?}"),
            )?;
            let says = if id == "singlephase_setgil" {
                json!(false)
            } else {
                Value::Null
            };
            ensure(f["module_says"] == says, || format!("{f}"))
        });
    }
}

/// The twin of pep793_export without Py_mod_gil: the hook's slots (the hook
/// called again) hold none, where pep793_export's declare Py_MOD_GIL_NOT_USED.
#[test]
fn pep793_gil_missing_is_pep793_export_without_the_gil_slot() {
    pep793_module_keeps_state_per_module(
        "pep793_gil_missing",
        "pep793_gil_missing",
        "PyModExport_pep793_gil_missing",
    );
    for (id, gil) in [
        ("pep793_gil_missing", json!([])),
        ("pep793_export", json!(["Py_MOD_GIL_NOT_USED"])),
    ] {
        on_every_interpreter(id, |py, corpus, module| {
            let f = gil_facts(py, corpus, module)?;
            ensure(
                f["read_from"] == format!("PyModExport_{id}()") && f["py_mod_gil"] == gil,
                || format!("{f}"),
            )
        });
    }
}
