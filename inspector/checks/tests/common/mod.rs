//! Synthetic binaries for the check tests: the cases the sample corpus
//! cannot produce. The builder keeps the parser's guarantees (symbols and
//! imports sorted by name and deduplicated, an exported definition wins
//! over a static one).

// Each test file uses a different part of this module.
#![allow(dead_code)]

use binary::{Arch, Binary, Format, Import, Reach, Slice, Symbol};
use checks::{FileReport, Finding, Options};
use naming::WheelName;

#[derive(Debug, Clone)]
pub struct Builder {
    format: Format,
    slices: Vec<Slice>,
}

fn empty_slice(arch: Arch) -> Slice {
    let bits = match arch {
        Arch::X86 | Arch::Arm | Arch::PowerPc => 32,
        _ => 64,
    };
    Slice {
        arch,
        bits,
        is_shared_library: true,
        symbols: Vec::new(),
        imports: Vec::new(),
        needed: Vec::new(),
        has_static_symbols: true,
    }
}

pub fn elf(arch: Arch) -> Builder {
    Builder {
        format: Format::Elf,
        slices: vec![empty_slice(arch)],
    }
}

pub fn elf_x86_64() -> Builder {
    elf(Arch::X86_64)
}

pub fn macho(arch: Arch) -> Builder {
    Builder {
        format: Format::Macho,
        slices: vec![empty_slice(arch)],
    }
}

pub fn pe(arch: Arch) -> Builder {
    Builder {
        format: Format::Pe,
        slices: vec![empty_slice(arch)],
    }
}

pub fn pe_amd64() -> Builder {
    pe(Arch::X86_64)
}

impl Builder {
    fn last(&mut self) -> &mut Slice {
        self.slices.last_mut().expect("a builder has a slice")
    }

    /// Starts another slice (a fat Mach-O file); later calls apply to it.
    pub fn slice(mut self, arch: Arch) -> Self {
        self.slices.push(empty_slice(arch));
        self
    }

    fn define(mut self, name: &str, reach: Reach) -> Self {
        self.last().symbols.push(Symbol {
            name: name.to_string(),
            reach,
        });
        self
    }

    pub fn export(self, name: &str) -> Self {
        self.define(name, Reach::Exported)
    }

    pub fn hidden(self, name: &str) -> Self {
        self.define(name, Reach::Hidden)
    }

    pub fn local(self, name: &str) -> Self {
        self.define(name, Reach::Local)
    }

    pub fn not_in_export_table(self, name: &str) -> Self {
        self.define(name, Reach::NotInExportTable)
    }

    /// An unversioned import with no recorded library (ELF, Mach-O flat namespace).
    pub fn import(mut self, name: &str) -> Self {
        self.last().imports.push(Import {
            name: name.to_string(),
            library: None,
            version: None,
        });
        self
    }

    pub fn imports(self, names: &[&str]) -> Self {
        names.iter().fold(self, |b, n| b.import(n))
    }

    /// An import bound to a library (PE DLL, Mach-O two-level namespace).
    pub fn import_from(mut self, name: &str, library: &str) -> Self {
        self.last().imports.push(Import {
            name: name.to_string(),
            library: Some(library.to_string()),
            version: None,
        });
        self
    }

    pub fn imports_from(self, names: &[&str], library: &str) -> Self {
        names.iter().fold(self, |b, n| b.import_from(n, library))
    }

    /// A versioned ELF import (`GLIBC_2.2.5` from `libc.so.6`).
    pub fn import_versioned(mut self, name: &str, library: Option<&str>, version: &str) -> Self {
        self.last().imports.push(Import {
            name: name.to_string(),
            library: library.map(str::to_string),
            version: Some(version.to_string()),
        });
        self
    }

    pub fn needed(mut self, library: &str) -> Self {
        self.last().needed.push(library.to_string());
        self
    }

    pub fn no_static_symbols(mut self) -> Self {
        self.last().has_static_symbols = false;
        self
    }

    pub fn build(mut self) -> Binary {
        for slice in &mut self.slices {
            // Reach orders Exported first, so dedup keeps the exported one.
            slice
                .symbols
                .sort_by(|a, b| a.name.cmp(&b.name).then(a.reach.cmp(&b.reach)));
            slice.symbols.dedup_by(|a, b| a.name == b.name);
            slice.imports.sort_by(|a, b| a.name.cmp(&b.name));
            slice.imports.dedup_by(|a, b| a.name == b.name);
        }
        Binary {
            format: self.format,
            slices: self.slices,
        }
    }
}

pub fn run(file_name: &str, binary: &Binary) -> FileReport {
    run_with(file_name, binary, None, &Options::default())
}

pub fn run_in_wheel(wheel: &str, file_name: &str, binary: &Binary) -> FileReport {
    let wheel = parse_wheel(wheel);
    run_with(file_name, binary, Some(&wheel), &Options::default())
}

pub fn run_with(
    file_name: &str,
    binary: &Binary,
    wheel: Option<&WheelName>,
    options: &Options,
) -> FileReport {
    checks::inspect(file_name.to_string(), file_name, binary, wheel, options)
}

pub fn parse_wheel(wheel: &str) -> WheelName {
    naming::parse_wheel_filename(wheel).unwrap_or_else(|| panic!("{wheel} is a wheel name"))
}

pub fn options_abi3_min(major: u8, minor: u8) -> Options {
    Options {
        abi3_min: Some(abi::PyVersion::new(major, minor)),
        floors: Vec::new(),
    }
}

/// The findings of one check.
pub fn findings<'r>(report: &'r FileReport, check: &str) -> Vec<&'r Finding> {
    assert!(
        checks::registry::lookup(check).is_some(),
        "{check} is not a registered check"
    );
    report
        .findings
        .iter()
        .filter(|f| f.check == check)
        .collect()
}

/// The one finding of `check`; panics with the whole report otherwise.
pub fn only<'r>(report: &'r FileReport, check: &str) -> &'r Finding {
    match findings(report, check).as_slice() {
        [one] => one,
        other => panic!("expected one {check} finding, got {other:#?}\nreport: {report:#?}"),
    }
}

pub fn assert_silent(report: &FileReport, check: &str) {
    let found = findings(report, check);
    assert!(found.is_empty(), "unexpected {check}: {found:#?}");
}

/// Asserts that `message` contains every fragment.
pub fn assert_mentions(message: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "{message:?} does not mention {fragment:?}"
        );
    }
}

pub fn check_ids(report: &FileReport) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.check).collect()
}
