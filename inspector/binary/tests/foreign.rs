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

/// What the headers alone say (what a vendored library's report is made
/// from) is what the full parse says of format, architecture, address size
/// and type, universal files included.
#[test]
fn the_headers_alone_say_what_the_full_parse_says() {
    for fixture in &corpus().fixtures {
        let data = std::fs::read(&fixture.path).unwrap();
        let path = fixture.path.display();
        let full = read(fixture);
        let headers =
            binary::parse_headers(&data.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(headers.format, full.format, "{path}");
        let identity = |b: &Binary| -> Vec<(Arch, u8, bool)> {
            b.slices
                .iter()
                .map(|s| (s.arch, s.bits, s.is_shared_library))
                .collect()
        };
        assert_eq!(identity(&headers), identity(&full), "{path}");
        assert!(
            headers.slices.iter().all(|s| s.symbols.is_empty()
                && s.imports.is_empty()
                && s.needed.is_empty()
                && !s.has_static_symbols),
            "{path}"
        );
    }
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
    let Some(built) = common::c_samples_312() else {
        return;
    };
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

/// A little-endian field of a PE file.
fn le(data: &[u8], at: usize, size: usize) -> usize {
    data[at..at + size]
        .iter()
        .rev()
        .fold(0, |value, &byte| value << 8 | usize::from(byte))
}

/// How much of a renamed DLL name lies past the section's VirtualSize.
#[derive(Debug, Clone, Copy)]
enum Past {
    /// Only the NUL, as delvewheel leaves it.
    Nul,
    /// `.dll` and the NUL.
    Tail,
    /// The name runs to the end of the section's raw data, with no NUL in
    /// the file: the loader's zero-filled memory ends it.
    NoNul,
}

/// `data` (a PE fixture) with the first import descriptor's DLL renamed to
/// `name` the way delvewheel does it: the name is written into the zero
/// padding at the end of a section (`.pdata` when it has room) and the
/// section's VirtualSize grown to cover only part of it. None when no
/// section has room.
fn delvewheel_rename(data: &[u8], name: &str, past: Past) -> Option<Vec<u8>> {
    let coff = le(data, 0x3c, 4) + 4;
    let sections = le(data, coff + 2, 2);
    let optional = coff + 20;
    let directories = optional
        + if le(data, optional, 2) == 0x20b {
            112
        } else {
            96
        };
    let table = optional + le(data, coff + 16, 2);
    let header = |i: usize| table + 40 * i;
    let field = |i: usize, at: usize| le(data, header(i) + at, 4);
    let file_offset = |rva: usize| {
        (0..sections).find_map(|i| {
            let (va, size) = (field(i, 12), field(i, 8).max(field(i, 16)));
            (va <= rva && rva < va + size).then(|| field(i, 20) + rva - va)
        })
    };
    let descriptor = file_offset(le(data, directories + 8, 4))?;
    let mut order: Vec<usize> = (0..sections).collect();
    order.sort_by_key(|&i| data[header(i)..header(i) + 8] != *b".pdata\0\0");
    for i in order {
        let (virtual_size, va, raw, pointer) =
            (field(i, 8), field(i, 12), field(i, 16), field(i, 20));
        let next = (0..sections)
            .map(|j| field(j, 12))
            .filter(|&v| v > va)
            .min()
            .unwrap_or(usize::MAX);
        let (start, new_size) = match past {
            Past::Nul => (virtual_size, virtual_size + name.len()),
            Past::Tail => (virtual_size, virtual_size + name.len() - 4),
            Past::NoNul => (raw.saturating_sub(name.len()), raw - name.len() + 1),
        };
        let padding = pointer + start..pointer + start + name.len() + 1;
        let fits = start >= virtual_size
            && start + name.len() + matches!(past, Past::Nul | Past::Tail) as usize <= raw
            && va + raw <= next
            && pointer + raw <= data.len()
            && data[padding.start..padding.end.min(pointer + raw)]
                .iter()
                .all(|&b| b == 0);
        if !fits {
            continue;
        }
        let mut patched = data.to_vec();
        patched[pointer + start..][..name.len()].copy_from_slice(name.as_bytes());
        patched[header(i) + 8..][..4].copy_from_slice(&(new_size as u32).to_le_bytes());
        patched[descriptor + 12..][..4].copy_from_slice(&((va + start) as u32).to_le_bytes());
        return Some(patched);
    }
    None
}

/// delvewheel renames `msvcp140.dll` to `msvcp140-<hash>.dll` and writes
/// the new name at the end of `.pdata`, its NUL past VirtualSize (in the
/// raw data; the loader maps that, and zeros after it). The import is
/// read as the loader and llvm-readobj read it, not as an error.
#[test]
fn import_names_past_virtual_size_are_read_as_the_loader_reads_them() {
    let readobj = common::llvm("readobj");
    if readobj.is_none() {
        eprintln!("NOTE: llvm-readobj not found; ours is not compared with it");
    }
    let name = "msvcp140-0a1b2c3d4e5f60718293a4b5c6d7e8f9.dll";
    let mut checked = 0;
    for fixture in corpus()
        .fixtures
        .iter()
        .filter(|f| f.format == sample_modules::Format::Pe && f.mislabel.is_none())
    {
        let path = fixture.path.display();
        let data = std::fs::read(&fixture.path).unwrap();
        let original = read(fixture).slices.remove(0);
        let renamed = original.needed[0].clone();
        for past in [Past::Nul, Past::Tail, Past::NoNul] {
            let Some(patched) = delvewheel_rename(&data, name, past) else {
                continue;
            };
            // What `object` alone makes of it (the bug this guards against).
            let file = object::read::pe::PeFile64::parse(&*patched).unwrap();
            let table = file.import_table().unwrap().unwrap();
            let first = table.descriptors().unwrap().next().unwrap().unwrap();
            assert!(table.name(first.name.get(object::LittleEndian)).is_err());

            let slice = binary::parse(&patched)
                .unwrap_or_else(|e| panic!("{path} {past:?}: {e}"))
                .slices
                .remove(0);
            let mut needed = original.needed.clone();
            needed[0] = name.to_string();
            assert_eq!(slice.needed, needed, "{path} {past:?}");
            let expected: BTreeSet<(String, String)> = original
                .imports
                .iter()
                .map(|i| {
                    let library = i.library.clone().unwrap_or_default();
                    let library = if library == renamed {
                        name.to_string()
                    } else {
                        library
                    };
                    (library, i.name.clone())
                })
                .collect();
            let ours: BTreeSet<(String, String)> = slice
                .imports
                .iter()
                .map(|i| (i.library.clone().unwrap_or_default(), i.name.clone()))
                .collect();
            assert_eq!(ours, expected, "{path} {past:?}");
            assert!(ours.iter().any(|(library, _)| library == name), "{path}");
            assert_eq!(slice.symbols, original.symbols, "{path} {past:?}");

            // llvm-readobj reads a string on to the first NUL in the file,
            // whatever the section: with no NUL in the section's raw data
            // it reads the next section's bytes, which the loader does not.
            if let (Some(readobj), Past::Nul | Past::Tail) = (&readobj, past) {
                let copy = std::env::temp_dir().join(format!(
                    "extinspect-delvewheel-{}-{past:?}-{}.pyd",
                    std::process::id(),
                    checked
                ));
                std::fs::write(&copy, &patched).unwrap();
                let listing = common::run(readobj, &["--coff-imports"], &copy);
                std::fs::remove_file(&copy).unwrap();
                let (_, theirs) = readobj_tables(&listing);
                assert_eq!(ours, theirs, "{path} {past:?}: llvm-readobj disagrees");
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} renamed fixtures");
}
