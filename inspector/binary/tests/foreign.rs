//! The sample corpus's foreign fixtures (PE and Mach-O, thin and universal2,
//! plus mislabelled ELF copies) read by `binary`, checked against what the
//! builder declares and what the LLVM tools read from the same files.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use binary::{Arch, Binary, Format, Reach, Slice};
use sample_modules::{ForeignCorpus, ForeignFixture};

fn corpus() -> &'static ForeignCorpus {
    static CORPUS: OnceLock<ForeignCorpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        sample_modules::build_foreign(&sample_modules::default_root())
            .unwrap_or_else(|e| panic!("building the foreign fixtures: {e}"))
    })
}

fn read(fixture: &ForeignFixture) -> Binary {
    let data = std::fs::read(&fixture.path).unwrap();
    binary::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", fixture.path.display()))
}

fn format(format: sample_modules::Format) -> Format {
    match format {
        sample_modules::Format::Elf => Format::Elf,
        sample_modules::Format::Macho => Format::Macho,
        sample_modules::Format::Pe => Format::Pe,
    }
}

fn arch(arch: sample_modules::Arch) -> Arch {
    match arch {
        sample_modules::Arch::X86_64 => Arch::X86_64,
        sample_modules::Arch::Aarch64 => Arch::Aarch64,
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    names.map(String::from).collect()
}

#[test]
fn format_and_arches_match_the_declared_ones() {
    let fixtures = &corpus().fixtures;
    assert!(fixtures.len() > 20, "only {} fixtures", fixtures.len());
    for fixture in fixtures {
        let parsed = read(fixture);
        let path = fixture.path.display();
        assert_eq!(parsed.format, format(fixture.format), "{path}");
        let arches: Vec<Arch> = parsed.slices.iter().map(|s| s.arch).collect();
        let declared: Vec<Arch> = fixture.arches.iter().copied().map(arch).collect();
        assert_eq!(arches, declared, "{path}");
        for slice in &parsed.slices {
            assert_eq!(slice.bits, 64, "{path}");
            assert!(slice.is_shared_library, "{path}");
        }
    }
    let universal = fixtures.iter().filter(|f| f.arches.len() == 2).count();
    assert!(universal > 0, "no universal2 fixture");
}

#[test]
fn hidden_init_is_defined_but_not_exported() {
    let hidden: Vec<&ForeignFixture> = corpus()
        .fixtures
        .iter()
        .filter(|f| f.sample_id == "hidden_init")
        .collect();
    let formats: BTreeSet<Format> = hidden.iter().map(|f| format(f.format)).collect();
    assert_eq!(formats, BTreeSet::from([Format::Macho, Format::Pe]));
    for fixture in hidden {
        for slice in read(fixture).slices {
            let init = slice.symbol("PyInit_hidden_init").unwrap_or_else(|| {
                panic!("{}: PyInit_hidden_init not seen", fixture.path.display())
            });
            assert_ne!(init.reach, Reach::Exported, "{}", fixture.path.display());
            let expected = match fixture.format {
                sample_modules::Format::Pe => Reach::NotInExportTable,
                _ => Reach::Hidden,
            };
            assert_eq!(init.reach, expected, "{}", fixture.path.display());
            assert!(slice.has_static_symbols);
        }
    }
}

#[test]
fn pe_exports_and_imports_match_llvm_readobj() {
    let readobj = common::llvm("readobj").expect("llvm-readobj is needed");
    let mut checked = 0;
    for fixture in corpus()
        .fixtures
        .iter()
        .filter(|f| f.format == sample_modules::Format::Pe)
    {
        let path = fixture.path.display();
        let parsed = read(fixture);
        let slice = &parsed.slices[0];
        let listing = common::run(
            &readobj,
            &["--coff-exports", "--coff-imports"],
            &fixture.path,
        );
        let (exports, imports) = readobj_tables(&listing);
        assert_eq!(
            names(slice.exports().map(|s| s.name.as_str())),
            exports,
            "{path}"
        );
        let ours: BTreeSet<(String, String)> = slice
            .imports
            .iter()
            .map(|i| (i.library.clone().unwrap_or_default(), i.name.clone()))
            .collect();
        assert_eq!(ours, imports, "{path}");

        let dll = fixture
            .python_dll
            .as_deref()
            .expect("PE fixtures name their DLL");
        assert!(
            slice.needed.iter().any(|n| n == dll),
            "{path}: {:?}",
            slice.needed
        );
        for import in slice.imports.iter().filter(|i| i.name.starts_with("Py")) {
            assert_eq!(import.library.as_deref(), Some(dll), "{path}: {import:?}");
        }
        if fixture
            .path
            .file_name()
            .is_some_and(|n| n == "limited_abi3.pyd")
        {
            assert_eq!(dll, "python3.dll");
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} PE fixtures");
}

/// (export names, (DLL, import name)) from llvm-readobj's COFF listing.
fn readobj_tables(listing: &str) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut exports = BTreeSet::new();
    let mut imports = BTreeSet::new();
    let mut section = "";
    let mut dll = String::new();
    for line in listing.lines().map(str::trim) {
        if line.ends_with('{') {
            section = line.trim_end_matches('{').trim();
        } else if let Some(name) = line.strip_prefix("Name:") {
            let name = name.trim();
            match section {
                "Export" if !name.is_empty() => {
                    exports.insert(name.to_string());
                }
                "Import" | "DelayImport" => dll = name.to_string(),
                _ => {}
            }
        } else if let Some(symbol) = line.strip_prefix("Symbol:") {
            // `Symbol: PyLong_FromLong (0)`: the hint follows the name.
            let name = symbol
                .trim()
                .rsplit_once(' ')
                .map_or(symbol.trim(), |(n, _)| n);
            imports.insert((dll.clone(), name.to_string()));
        }
    }
    (exports, imports)
}

#[test]
fn macho_symbols_match_llvm_nm() {
    let mut checked = 0;
    for fixture in corpus()
        .fixtures
        .iter()
        .filter(|f| f.format == sample_modules::Format::Macho)
    {
        let path = fixture.path.display();
        let parsed = read(fixture);
        for slice in &parsed.slices {
            let arch = match slice.arch {
                Arch::X86_64 => "--arch=x86_64",
                Arch::Aarch64 => "--arch=arm64",
                other => panic!("{path}: unexpected {other:?}"),
            };
            let strip = |names: BTreeSet<String>| -> BTreeSet<String> {
                names
                    .into_iter()
                    .map(|n| n.strip_prefix('_').map(String::from).unwrap_or(n))
                    .collect()
            };
            let undefined = strip(common::nm(&["-u", arch], &fixture.path));
            let ours = names(slice.imports.iter().map(|i| i.name.as_str()));
            assert_eq!(ours, undefined, "{path} {arch}: imports");
            let exported = strip(common::nm(&["-g", "--defined-only", arch], &fixture.path));
            assert_eq!(
                names(slice.exports().map(|s| s.name.as_str())),
                exported,
                "{path} {arch}"
            );
            // `-undefined dynamic_lookup`: Python's symbols name no library
            // unless the module links libpython.
            for import in slice.imports.iter().filter(|i| i.name.starts_with("Py")) {
                let expected = (fixture.sample_id == "links_libpython")
                    .then_some("@rpath/libpython3.12.dylib");
                assert_eq!(import.library.as_deref(), expected, "{path}: {import:?}");
            }
            check_libpython(fixture, slice);
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} Mach-O fixtures");
}

fn check_libpython(fixture: &ForeignFixture, slice: &Slice) {
    let links = slice
        .needed
        .iter()
        .any(|n| n == "@rpath/libpython3.12.dylib");
    assert_eq!(
        links,
        fixture.sample_id == "links_libpython",
        "{}: {:?}",
        fixture.path.display(),
        slice.needed
    );
}

#[test]
fn elf_hidden_init_is_not_exported() {
    let Some(interpreter) = interpreters::discover(&[])
        .one_per_abi()
        .into_iter()
        .find(|i| i.is_cpython() && i.version.feature() == (3, 12) && i.can_build_extensions())
        .cloned()
    else {
        eprintln!("SKIPPED: no CPython 3.12 with headers to build the ELF samples");
        return;
    };
    let built = sample_modules::build(&interpreter, &sample_modules::default_root())
        .unwrap_or_else(|e| panic!("building the samples for {interpreter}: {e}"));
    let module = built
        .module("hidden_init")
        .expect("hidden_init is built for 3.12");
    let parsed = binary::parse(&std::fs::read(&module.path).unwrap()).unwrap();
    assert_eq!(parsed.format, Format::Elf);
    let slice = &parsed.slices[0];
    let init = slice.symbol("PyInit_hidden_init").expect("in .symtab");
    assert_ne!(init.reach, Reach::Exported);
    assert!(slice.has_static_symbols);
    for module in &built.modules {
        if module.sample.id == "hidden_init" {
            continue;
        }
        let parsed = binary::parse(&std::fs::read(&module.path).unwrap()).unwrap();
        let slice = &parsed.slices[0];
        let exported = names(slice.exports().map(|s| s.name.as_str()));
        let theirs: BTreeSet<String> = common::nm(&["-D", "--defined-only"], &module.path);
        assert_eq!(exported, theirs, "{}", module.path.display());
    }
    assert!(Path::new(&module.path).exists());
}
