//! ELF: `.dynsym` is what the loader sees, `.symtab` (when not stripped) the rest.

use object::elf;
use object::read::elf::{ElfFile, FileHeader, Sym, SymbolTable};
use object::{Endianness, Object, ObjectKind};

use crate::error::BinaryError;
use crate::model::{Arch, Binary, Format, Import, Reach, Slice, Symbol};
use crate::{finish_imports, finish_symbols, text};

/// `e_ident` byte that says 32 or 64 bit, needed before the header can be typed.
const EI_CLASS: usize = 4;

pub(crate) fn parse(data: &[u8]) -> Result<Binary, BinaryError> {
    let slice = match data.get(EI_CLASS).map(|&class| elf::FileClass(class)) {
        Some(elf::ELFCLASS32) => slice::<elf::FileHeader32<Endianness>>(data)?,
        Some(elf::ELFCLASS64) => slice::<elf::FileHeader64<Endianness>>(data)?,
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

fn slice<Elf: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<Slice, BinaryError> {
    let bad = |e: object::Error| BinaryError::malformed(Format::Elf, e);
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
    let mut symbols = definitions(dynamic, endian, true)?;
    symbols.extend(definitions(statics, endian, false)?);

    let mut imports = Vec::new();
    for import in file.imports().map_err(bad)? {
        let import = import.map_err(bad)?;
        let Some(name) = import.name().into_name() else {
            continue;
        };
        let version = match import.flags() {
            object::read::ImportFlags::Elf { version, .. } => version.map(text),
            _ => None,
        };
        imports.push(Import {
            name: text(name),
            library: Some(import.library()).filter(|l| !l.is_empty()).map(text),
            version,
        });
    }
    let mut needed = Vec::new();
    for library in file.import_libraries().map_err(bad)? {
        needed.push(text(library.map_err(bad)?.name()));
    }
    Ok(Slice {
        arch: arch(header.e_machine(endian), file.is_64(), endian),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: e_type == elf::ET_DYN,
        symbols: finish_symbols(symbols),
        imports: finish_imports(imports),
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
) -> Result<Vec<Symbol>, BinaryError> {
    let mut symbols = Vec::new();
    for sym in table.symbols().iter().skip(1) {
        if sym.is_undefined(endian) || matches!(sym.st_type(), elf::STT_SECTION | elf::STT_FILE) {
            continue;
        }
        let name = sym
            .name(endian, table.strings())
            .map_err(|e| BinaryError::malformed(Format::Elf, e))?;
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
        symbols.push(Symbol {
            name: text(name),
            reach,
        });
    }
    Ok(symbols)
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
