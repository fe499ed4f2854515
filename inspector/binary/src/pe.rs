//! PE images: the export and import tables are what the loader sees; a COFF
//! symbol table (mingw, lld-link `/debug:symtab`) shows the rest.

use std::collections::HashSet;

use object::pe;
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader, PeFile, SectionTable};
use object::{LittleEndian as LE, Object, ObjectSymbol, SymbolKind};

use crate::error::BinaryError;
use crate::limits::Budget;
use crate::model::{Arch, Binary, Format, Reach, Slice};
use crate::{Imports, Partial, Source, Symbols};

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

/// The DOS and NT headers alone: machine, characteristics, the optional
/// header's magic ([`crate::parse_headers`]); the import and export
/// directories they point at are not read.
pub(crate) fn parse_headers(source: &dyn Source) -> Result<Binary, BinaryError> {
    let data = Partial(source);
    let magic = object::read::pe::optional_header_magic(data).map_err(bad)?;
    let slice = match magic {
        pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC => header_slice::<pe::ImageNtHeaders32>(source)?,
        pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC => header_slice::<pe::ImageNtHeaders64>(source)?,
        other => return Err(bad(format!("unknown optional header magic {other:#x}"))),
    };
    Ok(Binary {
        format: Format::Pe,
        slices: vec![slice],
    })
}

fn header_slice<Pe: ImageNtHeaders>(source: &dyn Source) -> Result<Slice, BinaryError> {
    let data = Partial(source);
    let mut offset = pe::ImageDosHeader::parse(data)
        .map_err(bad)?
        .nt_headers_offset()
        .into();
    let (headers, _) = Pe::parse(data, &mut offset).map_err(bad)?;
    let header = headers.file_header();
    Ok(Slice {
        arch: arch(header.machine.get(LE)),
        bits: if headers.is_type_64() { 64 } else { 32 },
        is_shared_library: header.characteristics.get(LE).contains(pe::IMAGE_FILE_DLL),
        symbols: Vec::new(),
        imports: Vec::new(),
        needed: Vec::new(),
        has_static_symbols: false,
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

    let image = Image::new(
        data,
        &file.section_table(),
        file.nt_headers().optional_header().section_alignment(),
    );
    let directory = |id| {
        file.data_directory(id)
            .map(|d| (d.virtual_address.get(LE), d.size.get(LE)))
    };

    let mut symbols = Symbols::default();
    if let Some((address, size)) = directory(pe::IMAGE_DIRECTORY_ENTRY_EXPORT) {
        exports(&image, address, size, budget, &mut symbols)?;
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
    if let Some((address, _)) = directory(pe::IMAGE_DIRECTORY_ENTRY_IMPORT) {
        let thunk = thunk_size::<Pe>();
        for index in 0u32.. {
            budget.entry(IMPORTS)?;
            let at = step(address, index, 20, "Invalid PE import descriptor address")?;
            let descriptor: [u8; 20] = image
                .array(at)
                .ok_or_else(|| bad("Missing PE null import descriptor"))?;
            if descriptor == [0; 20] {
                break;
            }
            let name = image
                .string(u32_at(&descriptor, 12))
                .ok_or_else(|| bad("Invalid PE import descriptor name"))?;
            let library = needed.add(budget.text(name, IMPORTS)?);
            let mut first_thunk = u32_at(&descriptor, 0);
            if first_thunk == 0 {
                first_thunk = u32_at(&descriptor, 16);
            }
            thunks(
                &image,
                first_thunk,
                thunk,
                &library,
                IMPORTS,
                budget,
                &mut imports,
            )?;
        }
    }
    if let Some((address, _)) = directory(pe::IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT) {
        let thunk = thunk_size::<Pe>();
        for index in 0u32.. {
            budget.entry(DELAY_IMPORTS)?;
            let at = step(
                address,
                index,
                32,
                "Invalid PE delay-load import descriptor address",
            )?;
            let descriptor: [u8; 32] = image
                .array(at)
                .ok_or_else(|| bad("Missing PE null delay-load import descriptor"))?;
            if descriptor == [0; 32] {
                break;
            }
            if u32_at(&descriptor, 0) & pe::IMAGE_DELAYLOAD_RVA_BASED == 0 {
                return Err(bad("Unsupported PE delay-load non-RVA based descriptor"));
            }
            let name = image
                .string(u32_at(&descriptor, 4))
                .ok_or_else(|| bad("Invalid PE import descriptor name"))?;
            let library = needed.add(budget.text(name, DELAY_IMPORTS)?);
            let names = u32_at(&descriptor, 16);
            thunks(
                &image,
                names,
                thunk,
                &library,
                DELAY_IMPORTS,
                budget,
                &mut imports,
            )?;
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

/// The size of one thunk: 4 bytes in PE32, 8 in PE32+.
fn thunk_size<Pe: ImageNtHeaders>() -> u32 {
    std::mem::size_of::<Pe::ImageThunkData>() as u32
}

/// The RVA of entry `index` of `size` bytes in a table at `base`.
fn step(base: u32, index: u32, size: u32, what: &str) -> Result<u32, BinaryError> {
    index
        .checked_mul(size)
        .and_then(|offset| base.checked_add(offset))
        .ok_or_else(|| bad(what))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// One DLL's import lookup table (the import name table of a delay-load
/// descriptor): thunks until a null one, each an ordinal or the RVA of a
/// hint and a name.
fn thunks(
    image: &Image<'_>,
    table: u32,
    size: u32,
    library: &str,
    what: &str,
    budget: &mut Budget,
    imports: &mut Imports,
) -> Result<(), BinaryError> {
    for index in 0u32.. {
        budget.entry(what)?;
        let at = step(table, index, size, "Invalid PE import thunk table address")?;
        let value = match size {
            8 => image.array::<8>(at).map(u64::from_le_bytes),
            _ => image.array::<4>(at).map(|b| u32::from_le_bytes(b).into()),
        }
        .ok_or_else(|| bad("Missing PE null import thunk"))?;
        if value == 0 {
            break;
        }
        let ordinal_flag = match size {
            8 => pe::IMAGE_ORDINAL_FLAG64,
            _ => pe::IMAGE_ORDINAL_FLAG32.into(),
        };
        let name = if value & ordinal_flag != 0 {
            format!("#{}", value as u16)
        } else {
            // A hint (an index into the DLL's export names), then the name.
            let hint = (value as u32) & 0x7fff_ffff;
            let name = hint
                .checked_add(2)
                .filter(|_| image.array::<2>(hint).is_some())
                .and_then(|at| image.string(at))
                .filter(|name| !name.is_empty())
                .ok_or_else(|| bad("Missing PE import thunk name"))?;
            budget.text(name, what)?
        };
        imports.add(name, Some(budget.copy(library, what)?), None);
    }
    Ok(())
}

/// The export table at `address`: every named export, and every entry of
/// the address table (a forwarder's target is read as a string too), read
/// through the image as the loader's `GetProcAddress` does.
fn exports(
    image: &Image<'_>,
    address: u32,
    size: u32,
    budget: &mut Budget,
    symbols: &mut Symbols,
) -> Result<(), BinaryError> {
    let directory: [u8; 40] = image
        .array(address)
        .ok_or_else(|| bad("Invalid PE export directory"))?;
    let ordinal_base =
        u16::try_from(u32_at(&directory, 16)).map_err(|_| bad("Invalid PE export ordinal base"))?;
    let functions = u32_at(&directory, 20);
    let names = u32_at(&directory, 24);
    let address_of_functions = u32_at(&directory, 28);
    let address_of_names = u32_at(&directory, 32);
    let address_of_ordinals = u32_at(&directory, 36);
    let functions = if address_of_functions == 0 {
        0
    } else {
        functions
    };
    // Ordinals are 16 bits, which bounds the address table too.
    if functions > u32::from(u16::MAX - ordinal_base) + 1 {
        return Err(bad("Invalid PE export number of functions"));
    }
    let function = |index: u32| -> Result<u32, BinaryError> {
        step(
            address_of_functions,
            index,
            4,
            "Invalid PE export address table",
        )
        .ok()
        .and_then(|at| image.array::<4>(at))
        .map(u32::from_le_bytes)
        .ok_or_else(|| bad("Invalid PE export address table"))
    };
    // A function's RVA inside the export directory is a forwarder: the
    // string `DLL.name` or `DLL.#ordinal`.
    let target = |rva: u32, budget: &mut Budget| -> Result<(), BinaryError> {
        if rva.wrapping_sub(address) >= size {
            return Ok(());
        }
        let forward = image
            .string(rva)
            .ok_or_else(|| bad("Invalid PE forwarded export address"))?;
        let dot = forward
            .iter()
            .rposition(|&b| b == b'.')
            .ok_or_else(|| bad("Missing PE forwarded export separator"))?;
        let (library, name) = (&forward[..dot], &forward[dot + 1..]);
        let name = match name {
            [] => return Err(bad("Missing PE forwarded export name")),
            [b'#', digits @ ..] => {
                std::str::from_utf8(digits)
                    .ok()
                    .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|d| d.parse::<u16>().ok())
                    .ok_or_else(|| bad("Invalid PE forwarded export ordinal"))?;
                0
            }
            name => name.len(),
        };
        budget.name_bytes(library.len() + name, EXPORTS)
    };
    if address_of_names != 0 && address_of_ordinals == 0 && names != 0 {
        return Err(bad("Missing PE export ordinal table"));
    }
    let mut named = vec![false; functions as usize];
    for index in 0..if address_of_names == 0 { 0 } else { names } {
        budget.entry(EXPORTS)?;
        let pointer = step(
            address_of_names,
            index,
            4,
            "Invalid PE export name pointer table",
        )?;
        let pointer = image
            .array::<4>(pointer)
            .map(u32::from_le_bytes)
            .ok_or_else(|| bad("Invalid PE export name pointer table"))?;
        let ordinal = step(
            address_of_ordinals,
            index,
            2,
            "Invalid PE export ordinal table",
        )?;
        let ordinal = image
            .array::<2>(ordinal)
            .map(u16::from_le_bytes)
            .ok_or_else(|| bad("Invalid PE export ordinal table"))?;
        let seen = named
            .get_mut(usize::from(ordinal))
            .ok_or_else(|| bad("Invalid PE export ordinal"))?;
        *seen = true;
        target(function(ordinal.into())?, budget)?;
        let name = image
            .string(pointer)
            .ok_or_else(|| bad("Invalid PE export name pointer"))?;
        symbols.add(budget.text(name, EXPORTS)?, Reach::Exported);
    }
    // Ordinal-only exports have no name for a check to look for.
    for index in 0..functions {
        if named[index as usize] {
            continue;
        }
        let rva = function(index)?;
        if rva == 0 {
            continue;
        }
        budget.entry(EXPORTS)?;
        target(rva, budget)?;
    }
    Ok(())
}

/// The image as the Windows loader maps it, for what the tables address by
/// RVA. A section spans its VirtualSize (its SizeOfRawData when that is 0)
/// rounded up to the section alignment; its first SizeOfRawData bytes come
/// from the file and the rest is zero. So a string may run past
/// VirtualSize into the section's raw data (delvewheel writes the renamed
/// DLL names at the end of a section that way), and a string that reaches
/// the end of what the file holds is terminated by the zeros after it.
struct Image<'data> {
    sections: Vec<Mapped<'data>>,
}

struct Mapped<'data> {
    address: u32,
    /// The section's extent in memory.
    extent: u32,
    /// What the file holds of it (the rest of `extent` is zero).
    bytes: &'data [u8],
}

impl<'data> Image<'data> {
    fn new(data: &'data [u8], sections: &SectionTable<'data>, alignment: u32) -> Self {
        let sections = sections
            .iter()
            .map(|section| {
                let virtual_size = section.virtual_size.get(LE);
                let raw_size = section.size_of_raw_data.get(LE);
                let size = if virtual_size == 0 {
                    raw_size
                } else {
                    virtual_size
                };
                let extent = match alignment {
                    a if a.is_power_of_two() => u64::from(size)
                        .next_multiple_of(u64::from(a))
                        .min(u64::from(u32::MAX))
                        as u32,
                    _ => size,
                };
                let offset = section.pointer_to_raw_data.get(LE) as usize;
                let end = offset.saturating_add(raw_size.min(extent) as usize);
                let bytes = data
                    .get(offset.min(data.len())..end.min(data.len()))
                    .unwrap_or_default();
                Mapped {
                    address: section.virtual_address.get(LE),
                    extent,
                    bytes,
                }
            })
            .collect();
        Image { sections }
    }

    /// The section holding `rva`, and the offset of `rva` in it.
    fn locate(&self, rva: u32) -> Option<(&Mapped<'data>, usize)> {
        self.sections.iter().find_map(|section| {
            let offset = rva.checked_sub(section.address)?;
            (offset < section.extent).then_some((section, offset as usize))
        })
    }

    /// `N` bytes at `rva`, zero past what the file holds; None when they do
    /// not lie in one section.
    fn array<const N: usize>(&self, rva: u32) -> Option<[u8; N]> {
        let (section, offset) = self.locate(rva)?;
        if offset + N > section.extent as usize {
            return None;
        }
        let mut bytes = [0; N];
        let held = section.bytes.get(offset..).unwrap_or_default();
        let held = &held[..held.len().min(N)];
        bytes[..held.len()].copy_from_slice(held);
        Some(bytes)
    }

    /// The NUL-terminated string at `rva`, without its NUL: it ends at the
    /// first NUL, or where the file's bytes of the section end (the memory
    /// after them is zero, and a string reaching the end of the section's
    /// extent is cut there); None when `rva` is in no section.
    fn string(&self, rva: u32) -> Option<&'data [u8]> {
        let (section, offset) = self.locate(rva)?;
        let rest: &'data [u8] = section.bytes.get(offset..).unwrap_or_default();
        Some(match rest.iter().position(|&b| b == 0) {
            Some(end) => &rest[..end],
            None => rest,
        })
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
