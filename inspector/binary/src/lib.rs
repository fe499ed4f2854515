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

    /// The first `size` bytes, or the whole file when it is shorter.
    fn head(&self, size: u64) -> &[u8] {
        if let Some(bytes) = self.read(0, size) {
            return bytes;
        }
        // Shorter than `size`: the longest prefix that reads.
        let (mut known, mut beyond) = (0, size);
        while beyond - known > 1 {
            let middle = known + (beyond - known) / 2;
            if self.read(0, middle).is_some() {
                known = middle;
            } else {
                beyond = middle;
            }
        }
        self.read(0, known).unwrap_or_default()
    }
}

impl Source for &[u8] {
    fn read(&self, offset: u64, size: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset).ok()?;
        self.get(start..start.checked_add(usize::try_from(size).ok()?)?)
    }
}

/// How much of a file [`parse_headers`] reads to tell what it is: every
/// format's headers fit well within it, and so does what names a file that
/// is none of them (`text file`).
const HEAD: u64 = 4096;

/// What a file's headers say of it, and nothing more: the format and, per
/// slice, the architecture, address size and whether it is a shared
/// library, with no symbols, imports or needed libraries
/// (`has_static_symbols` false). Enough for a file whose path already says
/// what it is (a library vendored into `<dist>.libs/`), whose report gives
/// only its format and architecture: a reader inflating it stops after the
/// ELF or PE headers (the first few hundred bytes) or, for Mach-O, the
/// header of each slice. Errors as [`parse`] gives them for a file that is
/// no binary, of an unsupported type or with headers that do not read; what
/// lies past the headers is not checked.
pub fn parse_headers(source: &dyn Source) -> Result<Binary, BinaryError> {
    let head = source.head(HEAD);
    let at = |offset: usize| {
        let offset = offset as u64;
        source.read(offset, 8).or_else(|| source.read(offset, 4))
    };
    match sniff::kind_reading(head, &at)? {
        sniff::Kind::Elf => elf::parse_headers(source),
        sniff::Kind::MachO => macho::parse_headers(source),
        sniff::Kind::MachOFat => macho::parse_fat_headers(source, &mut Budget::new(Format::Macho)),
        sniff::Kind::Pe => pe::parse_headers(source),
    }
}

/// Bytes of a file that may not all be at hand yet, for object.
#[derive(Clone, Copy)]
pub(crate) struct Partial<'a>(pub(crate) &'a dyn Source);

impl<'a> object::ReadRef<'a> for Partial<'a> {
    /// Unknown until everything is read, which is what a partial view
    /// avoids: a read that needs it fails.
    fn len(self) -> Result<u64, ()> {
        Err(())
    }

    fn read_bytes_at(self, offset: u64, size: u64) -> Result<&'a [u8], ()> {
        if size == 0 {
            return Ok(&[]);
        }
        self.0.read(offset, size).ok_or(())
    }

    /// As for a slice: the whole range must be in the file.
    fn read_bytes_at_until(
        self,
        range: std::ops::Range<u64>,
        delimiter: u8,
    ) -> Result<&'a [u8], ()> {
        let size = range.end.checked_sub(range.start).ok_or(())?;
        let bytes = self.read_bytes_at(range.start, size)?;
        let len = bytes.iter().position(|&b| b == delimiter).ok_or(())?;
        Ok(&bytes[..len])
    }
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
