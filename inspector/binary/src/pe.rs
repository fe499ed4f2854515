//! PE images: the export and import tables are what the loader sees; a COFF
//! symbol table (mingw, lld-link `/debug:symtab`) shows the rest.

use std::collections::HashSet;

use object::pe;
use object::read::pe::{ImageNtHeaders, Import as PeImport, PeFile};
use object::{ExportTarget, LittleEndian as LE, NameOrOrdinal, Object, ObjectSymbol, SymbolKind};

use crate::error::BinaryError;
use crate::limits::Budget;
use crate::model::{Arch, Binary, Format, Reach, Slice};
use crate::{Imports, Symbols};

pub(crate) fn parse(data: &[u8], budget: &mut Budget) -> Result<Binary, BinaryError> {
    let magic = object::read::pe::optional_header_magic(data).map_err(bad)?;
    let slice = match magic {
        pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC => image::<pe::ImageNtHeaders32>(data, budget)?,
        pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC => image::<pe::ImageNtHeaders64>(data, budget)?,
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

const EXPORTS: &str = "export table";
const COFF: &str = "COFF symbol table";
const IMPORTS: &str = "import table";
const DELAY_IMPORTS: &str = "delay-load import table";

fn image<Pe: ImageNtHeaders>(data: &[u8], budget: &mut Budget) -> Result<Slice, BinaryError> {
    budget.start_slice();
    let file = PeFile::<Pe>::parse(data).map_err(bad)?;
    let header = file.nt_headers().file_header();
    // object reads section contents and the COFF symbol table lazily and
    // treats an unreadable symbol table as absent; a file cut short must
    // be an error rather than a binary with fewer symbols.
    for section in file.section_table().iter() {
        budget.entry("section table")?;
        section.pe_data(data).map_err(bad)?;
    }
    let has_static_symbols =
        header.pointer_to_symbol_table.get(LE) != 0 && header.number_of_symbols.get(LE) != 0;
    if has_static_symbols {
        file.nt_headers()
            .symbols(data)
            .map_err(|e| bad(format!("COFF symbol table: {e}")))?;
    }

    let mut symbols = Symbols::default();
    for export in file.exports().map_err(bad)? {
        let export = export.map_err(bad)?;
        budget.entry(EXPORTS)?;
        // A forwarder's target is read as a string too.
        if let ExportTarget::Reexport { library, name } = export.target() {
            let name = match name {
                NameOrOrdinal::Name(name) => name.len(),
                NameOrOrdinal::Ordinal(_) => 0,
            };
            budget.name_bytes(library.len() + name, EXPORTS)?;
        }
        // Ordinal-only exports have no name for a check to look for.
        if let NameOrOrdinal::Name(name) = export.name() {
            symbols.add(budget.text(name, EXPORTS)?, Reach::Exported);
        }
    }
    for symbol in file.symbols() {
        budget.entry(COFF)?;
        if !symbol.is_definition() || !matches!(symbol.kind(), SymbolKind::Text | SymbolKind::Data)
        {
            continue;
        }
        // A long name that runs off the string table was scanned to its
        // end; the rest of the table is not read, so that is done once.
        let Ok(name) = symbol.name_bytes() else {
            break;
        };
        if name.is_empty() {
            continue;
        }
        let reach = match symbol.is_global() {
            true => Reach::NotInExportTable,
            false => Reach::Local,
        };
        // An exported name stays exported (the most reachable wins).
        symbols.add(budget.text(name, COFF)?, reach);
    }

    let mut imports = Imports::default();
    let mut needed = Needed::default();
    if let Some(table) = file.import_table().map_err(bad)? {
        let mut descriptors = table.descriptors().map_err(bad)?;
        while let Some(descriptor) = descriptors.next().map_err(bad)? {
            budget.entry(IMPORTS)?;
            let library = table.name(descriptor.name.get(LE)).map_err(bad)?;
            let library = needed.add(budget.text(library, IMPORTS)?);
            let mut first_thunk = descriptor.original_first_thunk.get(LE);
            if first_thunk == 0 {
                first_thunk = descriptor.first_thunk.get(LE);
            }
            let mut thunks = table.thunks(first_thunk).map_err(bad)?;
            while let Some(thunk) = thunks.next::<Pe>().map_err(bad)? {
                budget.entry(IMPORTS)?;
                let name = import_name(table.import::<Pe>(thunk).map_err(bad)?, budget, IMPORTS)?;
                imports.add(name, Some(budget.copy(&library, IMPORTS)?), None);
            }
        }
    }
    if let Some(table) = file.delay_load_import_table().map_err(bad)? {
        let mut descriptors = table.descriptors().map_err(bad)?;
        while let Some(descriptor) = descriptors.next().map_err(bad)? {
            budget.entry(DELAY_IMPORTS)?;
            if descriptor.attributes.get(LE) & pe::IMAGE_DELAYLOAD_RVA_BASED == 0 {
                return Err(bad("Unsupported PE delay-load non-RVA based descriptor"));
            }
            let library = table.name(descriptor.dll_name_rva.get(LE)).map_err(bad)?;
            let library = needed.add(budget.text(library, DELAY_IMPORTS)?);
            let mut thunks = table
                .thunks(descriptor.import_name_table_rva.get(LE))
                .map_err(bad)?;
            while let Some(thunk) = thunks.next::<Pe>().map_err(bad)? {
                budget.entry(DELAY_IMPORTS)?;
                let import = table.import::<Pe>(thunk).map_err(bad)?;
                let name = import_name(import, budget, DELAY_IMPORTS)?;
                imports.add(name, Some(budget.copy(&library, DELAY_IMPORTS)?), None);
            }
        }
    }

    Ok(Slice {
        arch: arch(header.machine.get(LE)),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: header.characteristics.get(LE).contains(pe::IMAGE_FILE_DLL),
        symbols: symbols.finish(),
        imports: imports.finish(),
        needed: needed.list,
        has_static_symbols,
    })
}

fn import_name(
    import: PeImport<'_>,
    budget: &mut Budget,
    table: &str,
) -> Result<String, BinaryError> {
    match import {
        PeImport::Name(_hint, name) => budget.text(name, table),
        PeImport::Ordinal(ordinal) => Ok(format!("#{ordinal}")),
    }
}

/// Imported DLLs in file order, each once (descriptors may repeat a DLL).
#[derive(Default)]
struct Needed {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Needed {
    /// Adds `library` if new; gives it back for the imports that name it.
    fn add(&mut self, library: String) -> String {
        if !self.seen.contains(&library) {
            self.seen.insert(library.clone());
            self.list.push(library.clone());
        }
        library
    }
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
