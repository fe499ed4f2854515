//! ELF: `.dynsym` is what the loader sees, `.symtab` (when not stripped) the rest.

use object::elf;
use object::read::elf::{ElfFile, FileHeader, Sym, SymbolTable};
use object::{Endianness, Object, ObjectKind};

use crate::error::BinaryError;
use crate::limits::Budget;
use crate::model::{Arch, Binary, Format, Reach, Slice};
use crate::{Imports, Symbols};

/// `e_ident` byte that says 32 or 64 bit, needed before the header can be typed.
const EI_CLASS: usize = 4;

pub(crate) fn parse(data: &[u8], budget: &mut Budget) -> Result<Binary, BinaryError> {
    let slice = match data.get(EI_CLASS).map(|&class| elf::FileClass(class)) {
        Some(elf::ELFCLASS32) => slice::<elf::FileHeader32<Endianness>>(data, budget)?,
        Some(elf::ELFCLASS64) => slice::<elf::FileHeader64<Endianness>>(data, budget)?,
        Some(class) => {
            return Err(BinaryError::malformed(
                Format::Elf,
                format!("invalid ELF class {}", class.0),
            ));
        }
        None => return Err(BinaryError::malformed(Format::Elf, "file too short")),
    };
    Ok(Binary {
        format: Format::Elf,
        slices: vec![slice],
    })
}

fn bad(e: object::Error) -> BinaryError {
    BinaryError::malformed(Format::Elf, e)
}

fn slice<Elf: FileHeader<Endian = Endianness>>(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Slice, BinaryError> {
    budget.start_slice();
    let file = ElfFile::<Elf>::parse(data).map_err(bad)?;
    let endian = file.endian();
    let header = file.elf_header();
    let e_type = header.e_type(endian);
    match file.kind() {
        ObjectKind::Executable | ObjectKind::Dynamic => {}
        _ => return Err(BinaryError::unsupported(Format::Elf, type_name(e_type))),
    }
    let dynamic = file.elf_dynamic_symbol_table();
    let statics = file.elf_symbol_table();
    let mut symbols = Symbols::default();
    definitions(dynamic, endian, true, &mut symbols, budget)?;
    definitions(statics, endian, false, &mut symbols, budget)?;

    // object reads the whole of the version tables when imports are asked
    // for; they are walked within the budget first.
    versions_within_budget(&file, data, budget)?;
    let mut imports = Imports::default();
    const IMPORTS: &str = "undefined symbols of .dynsym";
    for import in file.imports().map_err(bad)? {
        let import = import.map_err(bad)?;
        budget.entry(IMPORTS)?;
        let Some(name) = import.name().into_name() else {
            continue;
        };
        let version = match import.flags() {
            object::read::ImportFlags::Elf {
                version: Some(version),
                ..
            } => Some(budget.text(version, IMPORTS)?),
            _ => None,
        };
        let library = match import.library() {
            [] => None,
            library => Some(budget.text(library, IMPORTS)?),
        };
        imports.add(budget.text(name, IMPORTS)?, library, version);
    }
    let mut needed = Vec::new();
    for library in file.import_libraries().map_err(bad)? {
        budget.entry("DT_NEEDED entries")?;
        needed.push(budget.text(library.map_err(bad)?.name(), "DT_NEEDED entries")?);
    }
    Ok(Slice {
        arch: arch(header.e_machine(endian), file.is_64(), endian),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: e_type == elf::ET_DYN,
        symbols: symbols.finish(),
        imports: imports.finish(),
        needed,
        has_static_symbols: !statics.is_empty(),
    })
}

/// The defined symbols of one table. In `.dynsym` a global with default or
/// protected visibility is exported; anywhere else a definition is not.
fn definitions<Elf: FileHeader<Endian = Endianness>>(
    table: &SymbolTable<'_, Elf>,
    endian: Endianness,
    dynamic: bool,
    symbols: &mut Symbols,
    budget: &mut Budget,
) -> Result<(), BinaryError> {
    let what = if dynamic { ".dynsym" } else { ".symtab" };
    for sym in table.symbols().iter().skip(1) {
        budget.entry(what)?;
        if sym.is_undefined(endian) || matches!(sym.st_type(), elf::STT_SECTION | elf::STT_FILE) {
            continue;
        }
        let name = sym.name(endian, table.strings()).map_err(bad)?;
        // `$x`, `$d`: ARM mapping symbols, markers rather than definitions.
        if name.is_empty() || (sym.st_bind() == elf::STB_LOCAL && name.starts_with(b"$")) {
            continue;
        }
        let global = matches!(
            sym.st_bind(),
            elf::STB_GLOBAL | elf::STB_WEAK | elf::STB_GNU_UNIQUE
        );
        // The static linker makes hidden globals local but keeps STV_HIDDEN,
        // so visibility is asked before binding.
        let reach = match sym.st_visibility() {
            elf::STV_HIDDEN | elf::STV_INTERNAL => Reach::Hidden,
            _ if !global => Reach::Local,
            _ if dynamic => Reach::Exported,
            // A global in .symtab alone (an executable without -rdynamic, a
            // version script's `local:`) is as unreachable as a hidden one.
            _ => Reach::Hidden,
        };
        symbols.add(budget.text(name, what)?, reach);
    }
    Ok(())
}

/// Walks the GNU version tables the way object's `VersionTable::parse` will
/// (every `Verdef` with its first `Verdaux` name, every `Verneed` with every
/// `Vernaux` name and the `Verneed` file name again for each), counting each
/// record and each name. A `Vernaux` whose `vna_next` is 0 is read again
/// and again up to its `vn_cnt`, from a handful of bytes, and so is a name
/// without a terminator; the walk stops at the limits before object repeats
/// them. Errors are left for object to report: after a name that cannot be
/// read, names are no longer read (object stops at the first), but records
/// still are (object counts them all before it reads any name).
fn versions_within_budget<Elf: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'_, Elf>,
    data: &[u8],
    budget: &mut Budget,
) -> Result<(), BinaryError> {
    const WHAT: &str = "GNU version tables";
    let endian = file.endian();
    let sections = file.elf_section_table();
    let Ok(Some((_, link))) = sections.gnu_versym(endian, data) else {
        return Ok(());
    };
    let Ok(symbols) = sections.symbol_table_by_index(endian, data, link) else {
        return Ok(());
    };
    let strings = symbols.strings();
    // Each name is read (a scan for its terminator) only while names are good.
    let mut names_good = true;
    macro_rules! name {
        ($read:expr) => {
            if names_good {
                match $read {
                    Ok(name) => budget.name_bytes(name.len(), WHAT)?,
                    Err(_) => names_good = false,
                }
            }
        };
    }
    if let Ok(Some((mut verdefs, _))) = sections.gnu_verdef(endian, data) {
        while let Ok(Some((_, mut verdauxs))) = verdefs.next() {
            budget.entry(WHAT)?;
            if let Ok(Some(verdaux)) = verdauxs.next() {
                name!(verdaux.name(endian, strings));
            }
        }
    }
    if let Ok(Some((mut verneeds, _))) = sections.gnu_verneed(endian, data) {
        while let Ok(Some((verneed, mut vernauxs))) = verneeds.next() {
            budget.entry(WHAT)?;
            while let Ok(Some(vernaux)) = vernauxs.next() {
                budget.entry(WHAT)?;
                name!(vernaux.name(endian, strings));
                name!(verneed.file(endian, strings));
            }
        }
    }
    Ok(())
}

fn arch(machine: elf::Machine, is_64: bool, endian: Endianness) -> Arch {
    match machine {
        elf::EM_X86_64 => Arch::X86_64,
        elf::EM_386 => Arch::X86,
        elf::EM_ARM => Arch::Arm,
        elf::EM_AARCH64 => Arch::Aarch64,
        elf::EM_PPC => Arch::PowerPc,
        elf::EM_PPC64 if endian == Endianness::Little => Arch::PowerPc64Le,
        elf::EM_PPC64 => Arch::PowerPc64,
        elf::EM_S390 if is_64 => Arch::S390x,
        elf::EM_RISCV if is_64 => Arch::Riscv64,
        elf::EM_LOONGARCH if is_64 => Arch::LoongArch64,
        _ => Arch::Other,
    }
}

fn type_name(e_type: elf::FileType) -> String {
    match e_type {
        elf::ET_REL => "relocatable object file".into(),
        elf::ET_CORE => "core dump".into(),
        elf::ET_NONE => "no file type (ET_NONE)".into(),
        other => format!("e_type {:#x}", other.0),
    }
}
