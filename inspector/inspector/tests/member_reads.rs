//! A wheel member is inflated only as far as the checks read it: a module
//! that exports its init hook is judged from its dynamic view, which ends
//! long before its static symbol table and whatever follows; a module whose
//! hook is not exported is inflated whole, and says why from `.symtab`
//! exactly as the same file read from disk does. A library vendored into
//! `<dist>.libs/` is a library by its path: only its headers are inflated.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use checks::Options;

const PADDING: usize = 4 << 20;

/// A module built with a C compiler, with `PADDING` bytes of a non-loaded
/// section appended after `.symtab` (as debug info would be).
fn module(dir: &Path, source: &str) -> Option<Vec<u8>> {
    let cc = sample_modules::find_tool(&["cc", "clang", "gcc"])?;
    let objcopy = sample_modules::find_tool(&["llvm-objcopy", "objcopy"])?;
    let c = dir.join("spam.c");
    std::fs::write(&c, source).unwrap();
    let so = dir.join("spam.so");
    let built = Command::new(cc)
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&so)
        .arg(&c)
        .status()
        .unwrap();
    assert!(built.success());
    let pad = dir.join("pad.bin");
    // Varied bytes, so the padding costs what real debug info costs to inflate.
    let bytes: Vec<u8> = (0..PADDING as u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&pad, bytes).unwrap();
    let padded = Command::new(objcopy)
        .arg(format!("--add-section=.padding={}", pad.display()))
        .arg(&so)
        .status()
        .unwrap();
    assert!(padded.success());
    Some(std::fs::read(&so).unwrap())
}

const MEMBER: &str = "spam.cpython-312-x86_64-linux-gnu.so";
const WHEEL: &str = "spam-1.0-cp312-cp312-linux_x86_64.whl";

fn wheel(module: &[u8]) -> Vec<u8> {
    wheel_with(MEMBER, module)
}

fn wheel_with(member: &str, module: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(member, deflated).unwrap();
    zip.write_all(module).unwrap();
    zip.finish().unwrap().into_inner()
}

/// The end of the last structure a loader reads: the program headers, the
/// dynamic segment and the sections it points at (ELF64, little-endian).
fn loader_end(elf: &[u8]) -> u64 {
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as u64;
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) as u64;
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap());
    let (phoff, shoff) = (u64_at(0x20), u64_at(0x28));
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    let (shentsize, shnum) = (u16_at(0x3a), u16_at(0x3c));
    let mut end = phoff + phentsize * phnum;
    for i in 0..phnum {
        let at = (phoff + i * phentsize) as usize;
        if u32_at(at) == 2 {
            end = end.max(u64_at(at + 8) + u64_at(at + 32));
        }
    }
    for i in 0..shnum {
        let at = (shoff + i * shentsize) as usize;
        // .dynsym, .dynstr (a string table allocated in memory), the hash
        // and version tables.
        let kind = u32_at(at + 4);
        let alloc = u64_at(at + 8) & 2 != 0;
        if matches!(
            kind,
            11 | 5 | 0x6ffffff6 | 0x6fffffff | 0x6ffffffe | 0x6ffffffd
        ) || (kind == 3 && alloc)
        {
            end = end.max(u64_at(at + 24) + u64_at(at + 32));
        }
    }
    end
}

#[test]
fn an_exported_hook_is_judged_from_the_first_pages() {
    let dir = tempfile::tempdir().unwrap();
    let Some(module) = module(
        dir.path(),
        "static int helper(void) { return 1; }\n\
         __attribute__((visibility(\"default\"))) void *PyInit_spam(void) { return (void *)(long)helper(); }\n",
    ) else {
        eprintln!("SKIPPED: no C compiler or objcopy");
        return;
    };
    let needed = loader_end(&module);
    assert!(
        (module.len() as u64) > needed + PADDING as u64,
        "the padding follows the loader's part"
    );
    let (reports, read) =
        inspector::inspect_wheel_bytes_read(WHEEL, WHEEL, &wheel(&module), &Options::default());
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(reports[0].kind, checks::FileKind::Extension, "{reports:#?}");
    assert_eq!(reports[0].init_symbols[0].symbol, "PyInit_spam");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].size, module.len() as u64);
    assert!(
        read[0].inflated <= needed,
        "inflated {} bytes of {}, where the loader's part ends at {needed}",
        read[0].inflated,
        module.len()
    );
    // The report is the one the whole file gives.
    let whole = inspector::inspect_file_bytes(
        reports[0].path.clone(),
        MEMBER,
        &module,
        &Options::default(),
    );
    let mut from_wheel = reports[0].clone();
    from_wheel.tag = whole.tag.clone();
    assert_eq!(from_wheel.findings, whole.findings);
    assert_eq!(from_wheel.init_symbols, whole.init_symbols);
}

#[test]
fn a_hidden_hook_still_says_why_from_the_static_table() {
    let dir = tempfile::tempdir().unwrap();
    let Some(module) = module(
        dir.path(),
        "__attribute__((visibility(\"hidden\"))) void *PyInit_spam(void) { return 0; }\n\
         __attribute__((visibility(\"default\"))) int spam_version(void) { return 1; }\n",
    ) else {
        eprintln!("SKIPPED: no C compiler or objcopy");
        return;
    };
    let (reports, read) =
        inspector::inspect_wheel_bytes_read(WHEEL, WHEEL, &wheel(&module), &Options::default());
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert_eq!(
        read[0].inflated,
        module.len() as u64,
        "the whole member is read for .symtab"
    );
    let whole = inspector::inspect_file_bytes(
        reports[0].path.clone(),
        MEMBER,
        &module,
        &Options::default(),
    );
    let messages = |r: &checks::FileReport| -> Vec<(String, String)> {
        r.findings
            .iter()
            .map(|f| (f.check.to_string(), f.message.clone()))
            .collect()
    };
    let from_wheel = messages(&reports[0]);
    assert!(
        from_wheel
            .iter()
            .any(|(check, message)| check == "init-symbol-not-exported"
                && message.contains("is defined but not exported")),
        "{from_wheel:#?}"
    );
    // The wheel's tag adds its own findings; the hook's are the file's.
    let hook = |m: &[(String, String)]| -> Vec<(String, String)> {
        m.iter()
            .filter(|(c, _)| c.contains("init"))
            .cloned()
            .collect()
    };
    assert_eq!(hook(&from_wheel), hook(&messages(&whole)));
}

/// Where auditwheel puts what it vendors: `<dist>.libs/<name>-<hash>.so`.
const VENDORED: &str = "spam.libs/libfoo-1a2b3c4d.so";

#[test]
fn a_vendored_library_is_inflated_no_further_than_its_headers() {
    let dir = tempfile::tempdir().unwrap();
    // It even exports an init function: no import reaches `spam.libs/`, so
    // none calls it, and the report says nothing of it.
    let Some(library) = module(
        dir.path(),
        "__attribute__((visibility(\"default\"))) void *PyInit_libfoo(void) { return 0; }\n\
         __attribute__((visibility(\"default\"))) int foo_version(void) { return 1; }\n",
    ) else {
        eprintln!("SKIPPED: no C compiler or objcopy");
        return;
    };
    assert!(library.len() > PADDING, "several MiB");
    let whole = binary::parse(&library).unwrap();
    assert!(
        whole.slices[0].exports().any(|s| s.name == "PyInit_libfoo"),
        "the full parse sees the export the report leaves out"
    );
    let (reports, read) = inspector::inspect_wheel_bytes_read(
        WHEEL,
        WHEEL,
        &wheel_with(VENDORED, &library),
        &Options::default(),
    );
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let report = &reports[0];
    assert_eq!(report.kind, checks::FileKind::Library, "{report:#?}");
    assert_eq!(
        report.library.as_deref(),
        Some("a library vendored into spam.libs/, which modules link: not a module")
    );
    assert_eq!(report.format, Some("elf"));
    assert_eq!(report.arch, vec![whole.slices[0].arch.name()]);
    assert!(report.init_symbols.is_empty(), "{report:#?}");
    assert!(report.findings.is_empty(), "{report:#?}");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].size, library.len() as u64);
    assert!(
        read[0].inflated <= 4096,
        "inflated {} bytes of a {}-byte library",
        read[0].inflated,
        library.len()
    );
    // The same library installed: the same report.
    let installed = dir.path().join(VENDORED);
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::write(&installed, &library).unwrap();
    let outcome = inspector::inspect_paths(std::slice::from_ref(&installed), &Options::default());
    let mut on_disk = outcome.files[0].clone();
    on_disk.path = report.path.clone();
    assert_eq!(&on_disk, report);
}
