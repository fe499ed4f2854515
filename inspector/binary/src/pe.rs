//! PE images: the export and import tables are what the loader sees; a COFF
//! symbol table (mingw, lld-link `/debug:symtab`) shows the rest.

use std::collections::HashSet;

use object::pe;
use object::read::pe::{ImageNtHeaders, PeFile};
use object::{LittleEndian as LE, Object, ObjectSymbol, SymbolKind};

use crate::error::BinaryError;
use crate::model::{Arch, Binary, Format, Import, Reach, Slice, Symbol};
use crate::{finish_imports, finish_symbols, text};

pub(crate) fn parse(data: &[u8]) -> Result<Binary, BinaryError> {
    let magic = object::read::pe::optional_header_magic(data).map_err(bad)?;
    let slice = match magic {
        pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC => image::<pe::ImageNtHeaders32>(data)?,
        pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC => image::<pe::ImageNtHeaders64>(data)?,
        other => return Err(bad(format!("unknown optional header magic {other:#x}"))),
    };
    Ok(Binary {
        format: Format::Pe,
        slices: vec![slice],
    })
}

fn bad(e: impl std::fmt::Display) -> BinaryError {
    BinaryError::malformed(Format::Pe, e)
}

fn image<Pe: ImageNtHeaders>(data: &[u8]) -> Result<Slice, BinaryError> {
    let file = PeFile::<Pe>::parse(data).map_err(bad)?;
    let header = file.nt_headers().file_header();
    // object reads section contents and the COFF symbol table lazily and
    // treats an unreadable symbol table as absent; a file cut short must
    // be an error rather than a binary with fewer symbols.
    for section in file.section_table().iter() {
        section.pe_data(data).map_err(bad)?;
    }
    let has_static_symbols =
        header.pointer_to_symbol_table.get(LE) != 0 && header.number_of_symbols.get(LE) != 0;
    if has_static_symbols {
        file.nt_headers()
            .symbols(data)
            .map_err(|e| bad(format!("COFF symbol table: {e}")))?;
    }

    let mut symbols = Vec::new();
    for export in file.exports().map_err(bad)? {
        // Ordinal-only exports have no name for a check to look for.
        if let Some(name) = export.map_err(bad)?.name().into_name() {
            symbols.push(Symbol {
                name: text(name),
                reach: Reach::Exported,
            });
        }
    }
    let exported: HashSet<String> = symbols.iter().map(|s| s.name.clone()).collect();
    for symbol in file.symbols() {
        if !symbol.is_definition() || !matches!(symbol.kind(), SymbolKind::Text | SymbolKind::Data)
        {
            continue;
        }
        let Ok(name) = symbol.name_bytes() else {
            continue;
        };
        let name = text(name);
        if name.is_empty() || exported.contains(&name) {
            continue;
        }
        let reach = match symbol.is_global() {
            true => Reach::NotInExportTable,
            false => Reach::Local,
        };
        symbols.push(Symbol { name, reach });
    }

    let mut imports = Vec::new();
    for import in file.imports().map_err(bad)? {
        let import = import.map_err(bad)?;
        let name = match import.name() {
            object::read::NameOrOrdinal::Name(name) => text(name),
            object::read::NameOrOrdinal::Ordinal(ordinal) => format!("#{ordinal}"),
        };
        imports.push(Import {
            name,
            library: Some(text(import.library())),
            version: None,
        });
    }
    let mut needed: Vec<String> = Vec::new();
    for library in file.import_libraries().map_err(bad)? {
        let name = text(library.map_err(bad)?.name());
        if !needed.contains(&name) {
            needed.push(name);
        }
    }

    Ok(Slice {
        arch: arch(header.machine.get(LE)),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: header.characteristics.get(LE).contains(pe::IMAGE_FILE_DLL),
        symbols: finish_symbols(symbols),
        imports: finish_imports(imports),
        needed,
        has_static_symbols,
    })
}

fn arch(machine: pe::Machine) -> Arch {
    match machine {
        pe::IMAGE_FILE_MACHINE_AMD64 => Arch::X86_64,
        pe::IMAGE_FILE_MACHINE_I386 => Arch::X86,
        pe::IMAGE_FILE_MACHINE_ARM64
        | pe::IMAGE_FILE_MACHINE_ARM64EC
        | pe::IMAGE_FILE_MACHINE_ARM64X => Arch::Aarch64,
        pe::IMAGE_FILE_MACHINE_ARMNT
        | pe::IMAGE_FILE_MACHINE_ARM
        | pe::IMAGE_FILE_MACHINE_THUMB => Arch::Arm,
        _ => Arch::Other,
    }
}
