//! One view of ELF, Mach-O (thin or universal) and PE binaries.
//!
//! [`parse`] reads the bytes of a file into a [`Binary`]. Everything that
//! differs between the formats stays in one module per format; the checks
//! built on this crate only ever see the types in [`model`].

mod elf;
mod error;
mod macho;
pub mod model;
mod pe;
mod sniff;

pub use error::BinaryError;
pub use model::{Arch, Binary, Format, Import, Reach, Slice, Symbol};

/// Reads an ELF, Mach-O or PE file. Never panics, whatever the bytes.
pub fn parse(data: &[u8]) -> Result<Binary, BinaryError> {
    match sniff::kind(data)? {
        sniff::Kind::Elf => elf::parse(data),
        sniff::Kind::MachO => macho::parse(data),
        sniff::Kind::MachOFat => macho::parse_fat(data),
        sniff::Kind::Pe => pe::parse(data),
    }
}

/// Sorts by name and keeps one symbol per name: the most reachable one,
/// since a name the loader can find is what matters to every check.
pub(crate) fn finish_symbols(mut symbols: Vec<Symbol>) -> Vec<Symbol> {
    fn rank(reach: Reach) -> u8 {
        match reach {
            Reach::Exported => 0,
            Reach::Hidden => 1,
            Reach::NotInExportTable => 2,
            Reach::Local => 3,
        }
    }
    symbols.sort_by(|a, b| a.name.cmp(&b.name).then(rank(a.reach).cmp(&rank(b.reach))));
    symbols.dedup_by(|later, first| later.name == first.name);
    symbols
}

pub(crate) fn finish_imports(mut imports: Vec<Import>) -> Vec<Import> {
    imports
        .sort_by(|a, b| (&a.name, &a.library, &a.version).cmp(&(&b.name, &b.library, &b.version)));
    imports.dedup();
    imports
}

/// Symbol names are bytes; the view holds text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
