//! The foreign fixtures (the C samples built as Windows PE and macOS Mach-O
//! modules, and the mislabelled copies) proven from the binaries themselves:
//! machine types, init exports and imported libraries as llvm-readobj, llvm-nm,
//! llvm-objdump and llvm-lipo read them. The expectations are written here from
//! the C sources and the wheel naming rules, not taken from the builder, whose
//! records are checked against the same facts.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sample_modules::{ForeignCorpus, ForeignFixture, Language, Sample};

/// Honest fixture directories: what every file in them must be.
const PLATFORMS: &[(&str, &str, &[&str])] = &[
    ("win_amd64", "PE", &["x86_64"]),
    ("win_arm64", "PE", &["aarch64"]),
    ("macos_x86_64", "Mach-O", &["x86_64"]),
    ("macos_arm64", "Mach-O", &["aarch64"]),
    ("macos_universal2", "Mach-O", &["x86_64", "aarch64"]),
    ("win_amd64_cp311", "PE", &["x86_64"]),
];

/// Each mislabelled case: its file, and what the file really is (format, arch,
/// Python DLL imported).
const MISLABELLED: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "pe_arm64_named_amd64",
        "clean_multiphase.cp312-win_amd64.pyd",
        "PE",
        "aarch64",
        Some("python312.dll"),
    ),
    (
        "cp311_imports_python312",
        "clean_multiphase.cp311-win_amd64.pyd",
        "PE",
        "x86_64",
        Some("python312.dll"),
    ),
    (
        "elf_aarch64_named_x86_64",
        "clean_multiphase.cpython-312-x86_64-linux-gnu.so",
        "ELF",
        "aarch64",
        None,
    ),
    (
        "elf_named_pyd",
        "clean_multiphase.cp312-win_amd64.pyd",
        "ELF",
        "x86_64",
        None,
    ),
];

const UCRT: &str = "api-ms-win-crt-runtime-l1-1-0.dll";
const KERNEL32: &str = "kernel32.dll";
const LIBSYSTEM: &str = "/usr/lib/libSystem.B.dylib";
const LIBPYTHON: &str = "@rpath/libpython3.12.dylib";

fn corpus() -> &'static ForeignCorpus {
    common::foreign()
}

/// The C samples the fixtures are built from: those CPython 3.12 (the
/// miniature headers' version) has; the 3.15+ ones (PEP 793) are not.
fn c_samples() -> Vec<Sample> {
    let samples = sample_modules::catalog().expect("the catalog parses");
    samples
        .into_iter()
        .filter(|s| s.language == Language::C && s.supports(interpreters::Version::new(3, 12, 0)))
        .collect()
}

fn sample(id: &str) -> Sample {
    c_samples()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no C sample {id}"))
}

/// The fixture's directory: a platform of [`PLATFORMS`] or a mislabelled case.
fn dir_of(fixture: &ForeignFixture) -> String {
    let parent = fixture.path.parent().expect("fixtures live in directories");
    parent
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn name_of(fixture: &ForeignFixture) -> String {
    fixture
        .path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn is_mislabelled(fixture: &ForeignFixture) -> bool {
    let parent = fixture.path.parent().and_then(Path::parent);
    parent.is_some_and(|p| p.ends_with("mislabelled"))
}

/// The file an honest fixture of `sample` in `dir` must be called.
fn honest_name(sample: &Sample, dir: &str) -> String {
    let m = &sample.module;
    let (windows, tag) = match dir {
        "win_amd64_cp311" => (true, "cp311-win_amd64".to_string()),
        d if d.starts_with("win_") => (true, format!("cp312-{d}")),
        _ => (false, "cpython-312-darwin".to_string()),
    };
    match (windows, sample.stable_abi_suffix()) {
        (true, true) => format!("{m}.pyd"),
        (true, false) => format!("{m}.{tag}.pyd"),
        (false, true) => format!("{m}.abi3.so"),
        (false, false) => format!("{m}.{tag}.so"),
    }
}

/// The init functions the sample's C source exports, spelled as in C.
fn expected_inits(sample: &Sample) -> BTreeSet<String> {
    let names: Vec<String> = match sample.id.as_str() {
        "hidden_init" => vec![],
        "multi_init" => vec![
            "PyInit_multi_init".into(),
            "PyInit_multi_init_foo".into(),
            "PyInit_multi_init_bar".into(),
        ],
        "init_name_mismatch" => vec!["PyInit_renamed_module".into()],
        "unicode_cafe" => vec!["PyInitU_caf_dma".into()],
        "unicode_cjk" => vec!["PyInitU_gfs105b".into()],
        // Its 3.15 hook, exported by every build (with PyMODINIT_FUNC before 3.15).
        "init_and_export" => vec![
            "PyInit_init_and_export".into(),
            "PyModExport_init_and_export".into(),
        ],
        _ => {
            assert!(
                sample.module.is_ascii(),
                "{}: write down its PyInitU_ name here",
                sample.id
            );
            vec![format!("PyInit_{}", sample.module)]
        }
    };
    names.into_iter().collect()
}

/// (format, arch) of every slice of every fixture, from the file headers, read
/// in one llvm-readobj run: starting an LLVM tool costs more than reading a file.
fn all_slices() -> &'static HashMap<PathBuf, Vec<(&'static str, &'static str)>> {
    static READ: OnceLock<HashMap<PathBuf, Vec<(&'static str, &'static str)>>> = OnceLock::new();
    READ.get_or_init(|| {
        let paths: Vec<&Path> = corpus().fixtures.iter().map(|f| f.path.as_path()).collect();
        let output = Command::new(common::llvm_tool("llvm-readobj"))
            .arg("--file-headers")
            .args(&paths)
            .output()
            .expect("running llvm-readobj");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "llvm-readobj: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut found: HashMap<PathBuf, Vec<_>> = HashMap::new();
        let mut current = None;
        for line in text.lines().map(str::trim) {
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            if key == "File" {
                // A universal file has one `File:` per slice.
                current = Some(PathBuf::from(value));
                continue;
            }
            let word = value.split_whitespace().next().unwrap_or("");
            let slice = match (key, word) {
                ("Machine", "IMAGE_FILE_MACHINE_AMD64") => ("PE", "x86_64"),
                ("Machine", "IMAGE_FILE_MACHINE_ARM64") => ("PE", "aarch64"),
                ("Machine", "EM_X86_64") => ("ELF", "x86_64"),
                ("Machine", "EM_AARCH64") => ("ELF", "aarch64"),
                ("CpuType", "X86-64") => ("Mach-O", "x86_64"),
                ("CpuType", "Arm64") => ("Mach-O", "aarch64"),
                ("Machine" | "CpuType", other) => panic!("{current:?}: machine {other}"),
                _ => continue,
            };
            found
                .entry(current.clone().expect("File: comes first"))
                .or_default()
                .push(slice);
        }
        found
    })
}

fn slices(path: &Path) -> Vec<(&'static str, &'static str)> {
    let found = all_slices().get(path).cloned().unwrap_or_default();
    assert!(
        !found.is_empty(),
        "{}: no machine type found",
        path.display()
    );
    found
}

/// llvm-nm and llvm-objdump's name for a slice of a Mach-O file.
fn macho_arch(arch: &str) -> &'static str {
    match arch {
        "x86_64" => "x86_64",
        "aarch64" => "arm64",
        other => panic!("no Mach-O arch for {other}"),
    }
}

/// The last column of each llvm-nm line.
fn nm_names(text: &str) -> Vec<String> {
    let names = text.lines().filter_map(|l| l.split_whitespace().last());
    names.map(str::to_owned).collect()
}

/// The symbols the file exports: the PE export table, the Mach-O slice's
/// external definitions (without the leading underscore), ELF's dynamic ones.
fn exports(path: &Path, format: &str, arch: &str) -> BTreeSet<String> {
    match format {
        "PE" => {
            let text = common::llvm("llvm-readobj", &["--coff-exports"], path);
            text.lines()
                .filter_map(|l| l.trim().strip_prefix("Name:"))
                .map(str::trim)
                // lld-link's table starts at ordinal 0, which names nothing.
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect()
        }
        "Mach-O" => {
            let arch = format!("--arch={}", macho_arch(arch));
            let text = common::llvm("llvm-nm", &["--extern-only", "--defined-only", &arch], path);
            nm_names(&text)
                .into_iter()
                .map(|n| {
                    n.strip_prefix('_')
                        .map(str::to_owned)
                        .unwrap_or_else(|| panic!("{n}: no C name"))
                })
                .collect()
        }
        "ELF" => {
            let text = common::llvm(
                "llvm-nm",
                &["--dynamic", "--extern-only", "--defined-only"],
                path,
            );
            nm_names(&text).into_iter().collect()
        }
        other => panic!("no exports for {other}"),
    }
}

/// The PE import table: each DLL with the symbols imported from it.
fn pe_imports(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = common::llvm("llvm-readobj", &["--coff-imports"], path);
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines().map(str::trim) {
        if let Some(dll) = line.strip_prefix("Name: ") {
            current = Some(dll.to_owned());
            imports.entry(dll.to_owned()).or_default();
        } else if let Some(symbol) = line.strip_prefix("Symbol: ") {
            let dll = current.clone().expect("Symbol: follows Name:");
            let name = symbol.split(" (").next().unwrap_or(symbol).to_owned();
            imports.get_mut(&dll).expect("entered above").insert(name);
        }
    }
    imports
}

fn is_python_dll(dll: &str) -> bool {
    dll.starts_with("python3") && dll.ends_with(".dll")
}

/// The dylibs a Mach-O slice loads.
fn dylibs(path: &Path, arch: &str) -> BTreeSet<String> {
    let arch = format!("--arch={}", macho_arch(arch));
    let text = common::llvm("llvm-objdump", &["--macho", "--dylibs-used", &arch], path);
    text.lines()
        .filter(|l| l.starts_with('\t'))
        .map(|l| {
            l.trim()
                .split(" (compatibility")
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

/// For each symbol a Mach-O slice binds: where dyld looks for it.
fn bindings(path: &Path, arch: &str) -> BTreeMap<String, String> {
    let arch = format!("--arch={}", macho_arch(arch));
    let text = common::llvm(
        "llvm-objdump",
        &["--macho", "--bind", "--lazy-bind", &arch],
        path,
    );
    text.lines()
        .filter_map(|l| {
            let columns: Vec<&str> = l.split_whitespace().collect();
            // Table rows: segment, section, address, maybe type and addend,
            // then the dylib and the symbol.
            match columns.as_slice() {
                [_, _, address, .., dylib, symbol] if address.starts_with("0x") => {
                    Some((symbol.to_string(), dylib.to_string()))
                }
                _ => None,
            }
        })
        .collect()
}

/// A C name of the Python C API (`PyX`, `_PyX`).
fn is_python(c_name: &str) -> bool {
    c_name.starts_with("Py") || c_name.starts_with("_Py")
}

/// Python C-API symbols among undefined symbols (`_` already stripped on Mach-O).
fn python_symbols(names: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    names.into_iter().filter(|n| is_python(n)).collect()
}

/// What the file's name claims, where the name says: the format, the
/// architecture and the Python DLL of a `.pyd`, or a Linux ELF's architecture.
fn claim(name: &str) -> Option<(&'static str, Option<&'static str>, Option<String>)> {
    if let Some(stem) = name.strip_suffix(".pyd") {
        let arch = if stem.ends_with("-win_amd64") {
            Some("x86_64")
        } else if stem.ends_with("-win_arm64") {
            Some("aarch64")
        } else {
            None
        };
        let dll = stem.split(".cp").nth(1).map(|tag| {
            let digits: String = tag.chars().take_while(char::is_ascii_digit).collect();
            format!("python{digits}.dll")
        });
        return Some(("PE", arch, dll));
    }
    let elf_arch = ["x86_64", "aarch64"]
        .into_iter()
        .find(|a| name.ends_with(&format!("-{a}-linux-gnu.so")));
    elf_arch.map(|a| ("ELF", Some(a), None))
}

#[test]
fn every_c_sample_has_its_fixtures_and_nothing_else() {
    let corpus = corpus();
    let mut expected = BTreeSet::new();
    for sample in c_samples() {
        for (dir, _, _) in PLATFORMS.iter().filter(|(d, _, _)| *d != "win_amd64_cp311") {
            expected.insert(format!("{dir}/{}", honest_name(&sample, dir)));
        }
    }
    let clean = sample("clean_multiphase");
    expected.insert(format!(
        "win_amd64_cp311/{}",
        honest_name(&clean, "win_amd64_cp311")
    ));
    for (case, name, ..) in MISLABELLED {
        expected.insert(format!("mislabelled/{case}/{name}"));
    }
    let built: BTreeSet<String> = corpus
        .fixtures
        .iter()
        .map(|f| {
            let relative = f
                .path
                .strip_prefix(&corpus.dir)
                .expect("fixtures are in the corpus dir");
            relative.to_string_lossy().into_owned()
        })
        .collect();
    assert_eq!(built.len(), corpus.fixtures.len(), "a path is listed twice");
    assert_eq!(built, expected);
    for fixture in &corpus.fixtures {
        assert!(
            fixture.path.is_file(),
            "{} is missing",
            fixture.path.display()
        );
        assert_eq!(
            fixture.mislabel.is_some(),
            is_mislabelled(fixture),
            "{}",
            fixture.path.display()
        );
        assert_eq!(fixture.module, sample(&fixture.sample_id).module);
    }
}

#[test]
fn machine_types_are_those_of_the_platform() {
    for fixture in &corpus().fixtures {
        let path = fixture.path.display();
        let facts = slices(&fixture.path);
        let expected: Vec<(&str, &str)> = if is_mislabelled(fixture) {
            let case = MISLABELLED
                .iter()
                .find(|(c, ..)| *c == dir_of(fixture))
                .expect("a known case");
            vec![(case.2, case.3)]
        } else {
            let (_, format, arches) = PLATFORMS
                .iter()
                .find(|(d, ..)| *d == dir_of(fixture))
                .unwrap_or_else(|| panic!("{path}: not in a platform directory"));
            arches.iter().map(|a| (*format, *a)).collect()
        };
        assert_eq!(facts, expected, "{path}");
        // And the builder's record says the same.
        let recorded: Vec<(String, String)> = fixture
            .arches
            .iter()
            .map(|a| (fixture.format.to_string(), a.to_string()))
            .collect();
        let facts: Vec<(String, String)> = facts
            .iter()
            .map(|(f, a)| (f.to_string(), a.to_string()))
            .collect();
        assert_eq!(
            recorded, facts,
            "{path}: the record disagrees with the file"
        );
    }
}

#[test]
fn the_universal2_files_hold_both_slices() {
    let universal: Vec<&ForeignFixture> = corpus()
        .fixtures
        .iter()
        .filter(|f| dir_of(f) == "macos_universal2")
        .collect();
    assert_eq!(universal.len(), c_samples().len());
    for fixture in universal {
        let archs = common::llvm("llvm-lipo", &["-archs"], &fixture.path);
        let archs: BTreeSet<&str> = archs.split_whitespace().collect();
        assert_eq!(
            archs,
            BTreeSet::from(["x86_64", "arm64"]),
            "{}",
            fixture.path.display()
        );
    }
}

#[test]
fn each_slice_exports_exactly_the_init_functions_of_its_source() {
    let mut hidden_seen = 0;
    for fixture in &corpus().fixtures {
        let sample = sample(&fixture.sample_id);
        let expected = expected_inits(&sample);
        for (format, arch) in slices(&fixture.path) {
            let found = exports(&fixture.path, format, arch);
            assert_eq!(found, expected, "{} ({arch})", fixture.path.display());
        }
        if sample.id == "hidden_init" {
            hidden_seen += 1;
            assert_hidden_init_is_there(fixture);
        }
    }
    assert_eq!(
        hidden_seen, 5,
        "hidden_init: 2 PE, 2 Mach-O and a universal2 file"
    );
}

/// Not exported is not the same as absent: the function is in the binary.
fn assert_hidden_init_is_there(fixture: &ForeignFixture) {
    for (format, arch) in slices(&fixture.path) {
        let path = fixture.path.display();
        if format == "Mach-O" {
            let arch = format!("--arch={}", macho_arch(arch));
            let text = common::llvm("llvm-nm", &[&arch], &fixture.path);
            assert!(
                text.lines().any(|l| l.ends_with(" t _PyInit_hidden_init")),
                "{path}: PyInit_hidden_init should be a local text symbol:\n{text}"
            );
        } else {
            // A PE image has no symbol table; the import it makes is its trace.
            let imports = pe_imports(&fixture.path);
            let calls = imports
                .get("python312.dll")
                .is_some_and(|s| s.contains("PyModuleDef_Init"));
            assert!(
                calls,
                "{path}: PyInit_hidden_init's import is missing: {imports:?}"
            );
        }
    }
}

#[test]
fn windows_modules_import_the_python_dll_their_header_chose() {
    let mut limited = 0;
    for fixture in corpus()
        .fixtures
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "pyd"))
    {
        let path = fixture.path.display();
        let sample = sample(&fixture.sample_id);
        if slices(&fixture.path)[0].0 != "PE" {
            assert_eq!(fixture.python_dll, None, "{path}");
            continue;
        }
        let name = name_of(fixture);
        let expected = if sample.limited_api.is_some() {
            limited += 1;
            "python3.dll".to_string()
        } else if dir_of(fixture) == "cp311_imports_python312" || sample.stable_abi_suffix() {
            // The mislabel, and fake_abi3: the header, not the file name, picks
            // the import library (PC/pyconfig.h's #pragma comment(lib)).
            "python312.dll".to_string()
        } else {
            claim(&name).and_then(|c| c.2).expect("a cpXY tag")
        };
        let imports = pe_imports(&fixture.path);
        let dlls: BTreeSet<&str> = imports.keys().map(String::as_str).collect();
        let mut expected_dlls = BTreeSet::from([expected.as_str()]);
        // What the C source calls outside Python, and the DLL each comes from.
        let system: &[(&str, &[&str])] = match sample.id.as_str() {
            "abort_reinit" => &[(UCRT, &["abort"])],
            "shutdown_crash" => &[(UCRT, &["_crt_atexit"])],
            "shutdown_hang" => &[
                (UCRT, &["_crt_atexit"]),
                (
                    KERNEL32,
                    &["CreateEventW", "CreateThread", "WaitForSingleObject"],
                ),
            ],
            _ => &[],
        };
        for (dll, functions) in system {
            expected_dlls.insert(dll);
            let functions = functions.iter().map(|f| f.to_string()).collect();
            assert_eq!(imports[*dll], functions, "{path}: from {dll}");
        }
        assert_eq!(dlls, expected_dlls, "{path}");
        assert_eq!(
            fixture.python_dll.as_deref(),
            Some(expected.as_str()),
            "{path}: the record"
        );
    }
    assert_eq!(limited, 2, "limited_abi3 on win_amd64 and win_arm64");
}

#[test]
fn macos_modules_leave_python_to_the_interpreter_unless_linked_to_libpython() {
    let mut linked = 0;
    for fixture in corpus()
        .fixtures
        .iter()
        .filter(|f| f.format.to_string() == "Mach-O")
    {
        let sample = sample(&fixture.sample_id);
        for arch in &fixture.arches {
            let arch = arch.to_string();
            let path = format!("{} ({arch})", fixture.path.display());
            let mut expected = BTreeSet::from([LIBSYSTEM.to_string()]);
            if sample.links_libpython {
                expected.insert(LIBPYTHON.to_string());
                linked += 1;
            }
            assert_eq!(dylibs(&fixture.path, &arch), expected, "{path}");
            // -undefined dynamic_lookup: Python is found in whatever loaded the
            // module. Nothing else may be: a libc symbol missing from the
            // libSystem stub would silently be looked up that way too.
            let python_from = if sample.links_libpython {
                "libpython3.12"
            } else {
                "flat-namespace"
            };
            let bindings = bindings(&fixture.path, &arch);
            // Mach-O symbols are C names with a leading underscore.
            let python = |symbol: &str| symbol.strip_prefix('_').is_some_and(is_python);
            let binds_python = bindings.keys().any(|s| python(s));
            assert!(binds_python, "{path}: binds no Python symbol");
            for (symbol, dylib) in bindings {
                let from = if python(&symbol) {
                    python_from
                } else {
                    "libSystem"
                };
                assert_eq!(dylib, from, "{path}: {symbol}");
            }
        }
    }
    assert_eq!(
        linked, 4,
        "links_libpython: x86_64, arm64 and both slices of universal2"
    );
}

#[test]
fn mislabelled_names_claim_what_the_files_are_not() {
    let corpus = corpus();
    for (case, name, format, arch, dll) in MISLABELLED {
        let fixture = corpus
            .fixtures
            .iter()
            .find(|f| dir_of(f) == *case)
            .unwrap_or_else(|| panic!("no mislabelled case {case}"));
        assert_eq!(name_of(fixture), *name);
        assert_eq!(fixture.sample_id, "clean_multiphase");
        let why = fixture.mislabel.as_deref().unwrap_or_default();
        assert!(why.len() > 20, "{case}: say what is wrong, not {why:?}");
        let imported = match *format {
            "PE" => {
                let imports = pe_imports(&fixture.path);
                imports.keys().find(|d| is_python_dll(d)).cloned()
            }
            _ => None,
        };
        assert_eq!(imported.as_deref(), *dll, "{case}");
        let (real_format, real_arch) = slices(&fixture.path)[0];
        assert_eq!((real_format, real_arch), (*format, *arch), "{case}");
        let facts = (real_format, Some(real_arch), imported);
        let claimed = claim(name).expect("the name makes a claim");
        assert_ne!(claimed, facts, "{case}: the name tells the truth");
    }
    // And the honest names that make a claim keep it.
    for fixture in corpus.fixtures.iter().filter(|f| !is_mislabelled(f)) {
        let Some((format, arch, dll)) = claim(&name_of(fixture)) else {
            continue;
        };
        let (real_format, real_arch) = slices(&fixture.path)[0];
        assert_eq!(format, real_format, "{}", fixture.path.display());
        assert_eq!(
            arch.unwrap_or(real_arch),
            real_arch,
            "{}",
            fixture.path.display()
        );
        if let Some(dll) = dll {
            assert!(
                pe_imports(&fixture.path).contains_key(&dll),
                "{}",
                fixture.path.display()
            );
        }
    }
}

/// The miniature Python.h must make a module import exactly what CPython's own
/// headers do: each sample is compiled here against an installed CPython of the
/// fixture's version, and that object's undefined Python symbols (the real
/// headers' choice) must be the fixture's Python imports, slice by slice.
#[test]
fn imports_match_what_cpythons_own_headers_produce() {
    let scratch = env::temp_dir().join(format!(
        "extinspect-foreign-reference-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut compared: BTreeMap<(u32, u32), usize> = BTreeMap::new();
    let versions: BTreeSet<(u32, u32)> = corpus().fixtures.iter().map(|f| f.python).collect();
    for version in versions {
        let Some(include) = common::interpreters()
            .iter()
            .filter(|i| i.version.feature() == version && !i.debug && !i.free_threaded)
            .find_map(|i| i.include_dir.clone())
        else {
            assert_ne!(
                version,
                (3, 12),
                "no CPython 3.12 headers to compare the fixtures with"
            );
            continue;
        };
        let honest = corpus()
            .fixtures
            .iter()
            .filter(|f| f.python == version && !is_mislabelled(f));
        for fixture in honest {
            let sample = sample(&fixture.sample_id);
            let object = scratch.join(format!("{}-{}.{}.o", sample.id, version.0, version.1));
            let status = Command::new(common::llvm_tool("clang"))
                .args(["-c", "-O1", "-fPIC", "-w", "-I"])
                .arg(&include)
                .arg("-o")
                .arg(&object)
                .arg(&sample.source)
                .status()
                .expect("running clang");
            assert!(
                status.success(),
                "{}: does not compile with {}",
                sample.id,
                include.display()
            );
            let undefined = common::llvm("llvm-nm", &["--undefined-only"], &object);
            let want = python_symbols(nm_names(&undefined));
            for (format, arch) in slices(&fixture.path) {
                let got = match format {
                    "PE" => {
                        let imports = pe_imports(&fixture.path);
                        let python = imports.into_iter().filter(|(dll, _)| is_python_dll(dll));
                        python.flat_map(|(_, symbols)| symbols).collect()
                    }
                    _ => {
                        let arch = format!("--arch={}", macho_arch(arch));
                        let text =
                            common::llvm("llvm-nm", &["--undefined-only", &arch], &fixture.path);
                        let names = nm_names(&text).into_iter();
                        python_symbols(names.filter_map(|n| n.strip_prefix('_').map(str::to_owned)))
                    }
                };
                assert_eq!(
                    got,
                    want,
                    "{} ({arch}), against {}",
                    fixture.path.display(),
                    include.display()
                );
                *compared.entry(version).or_default() += 1;
            }
        }
    }
    std::fs::remove_dir_all(&scratch).ok();
    // Six slices of every sample: two PE, two Mach-O, two in the universal2 file.
    assert_eq!(
        compared.get(&(3, 12)),
        Some(&(6 * c_samples().len())),
        "{compared:?}"
    );
}
