//! One view of ELF, Mach-O (thin or universal) and PE binaries.
//!
//! [`parse`] reads the bytes of a file into a [`Binary`]. Everything that
//! differs between the formats stays in one module per format; the checks
//! built on this crate only ever see the types in [`model`]. However the
//! bytes are made, a parse stays within the bounds in [`limits`].

use std::collections::BTreeSet;
use std::collections::btree_map::{BTreeMap, Entry};

mod elf;
mod error;
mod exports_trie;
pub mod limits;
mod macho;
pub mod model;
mod pe;
mod sniff;

pub use error::BinaryError;
pub use model::{Arch, Binary, Format, Import, Reach, Slice, Symbol};

use limits::Budget;

/// Reads an ELF, Mach-O or PE file. Never panics, whatever the bytes, and
/// never reads more than [`limits`] allow: past them it returns
/// [`BinaryError::Limit`].
pub fn parse(data: &[u8]) -> Result<Binary, BinaryError> {
    match sniff::kind(data)? {
        sniff::Kind::Elf => elf::parse(data, &mut Budget::new(Format::Elf)),
        sniff::Kind::MachO => macho::parse(data, &mut Budget::new(Format::Macho)),
        sniff::Kind::MachOFat => macho::parse_fat(data, &mut Budget::new(Format::Macho)),
        sniff::Kind::Pe => pe::parse(data, &mut Budget::new(Format::Pe)),
    }
}

/// The bytes of a file that is being read as it is needed (a wheel member
/// inflating): whatever the parse asks of it is made available first.
pub trait Source {
    /// `size` bytes at `offset`, or `None` when the file ends before them.
    fn read(&self, offset: u64, size: u64) -> Option<&[u8]>;
}

/// What the loader reads of an ELF file, from its dynamic segment and the
/// tables that segment points at (which sit in the first pages), without
/// the section table or `.symtab` (at the end): the symbols are the
/// dynamic ones and `has_static_symbols` is false. Everything else is what
/// [`parse`] gives. `None` for any other format, and for any file a loader
/// would not read this way or that does not read cleanly: [`parse`] then
/// says what it is.
pub fn parse_dynamic(source: &dyn Source) -> Option<Binary> {
    match source.read(0, 4)? {
        [0x7f, b'E', b'L', b'F'] => elf::parse_dynamic(source),
        _ => None,
    }
}

/// The defined symbols of a slice, one per name: the most reachable one,
/// since a name the loader can find is what matters to every check. Names
/// are kept once as they are read, so a table repeating one name keeps one.
#[derive(Default)]
pub(crate) struct Symbols(BTreeMap<String, Reach>);

impl Symbols {
    pub(crate) fn add(&mut self, name: String, reach: Reach) {
        fn rank(reach: Reach) -> u8 {
            match reach {
                Reach::Exported => 0,
                Reach::Hidden => 1,
                Reach::NotInExportTable => 2,
                Reach::Local => 3,
            }
        }
        match self.0.entry(name) {
            Entry::Vacant(entry) => {
                entry.insert(reach);
            }
            Entry::Occupied(mut entry) => {
                if rank(reach) < rank(*entry.get()) {
                    entry.insert(reach);
                }
            }
        }
    }

    pub(crate) fn defines(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Sorted by name.
    pub(crate) fn finish(self) -> Vec<Symbol> {
        self.0
            .into_iter()
            .map(|(name, reach)| Symbol { name, reach })
            .collect()
    }
}

/// The undefined symbols of a slice, each (name, library, version) once.
#[derive(Default)]
pub(crate) struct Imports(BTreeSet<(String, Option<String>, Option<String>)>);

impl Imports {
    pub(crate) fn add(&mut self, name: String, library: Option<String>, version: Option<String>) {
        self.0.insert((name, library, version));
    }

    /// Sorted by name, then library, then version.
    pub(crate) fn finish(self) -> Vec<Import> {
        self.0
            .into_iter()
            .map(|(name, library, version)| Import {
                name,
                library,
                version,
            })
            .collect()
    }
}
