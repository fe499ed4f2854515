//! ELF: `.dynsym` is what the loader sees, `.symtab` (when not stripped) the rest.

use object::elf;
use object::read::elf::{ElfFile, FileHeader, SectionTable, Sym, SymbolTable};
use object::{Endianness, Object, ObjectKind, ReadRef, SymbolIndex};

use crate::error::BinaryError;
use crate::limits::Budget;
use crate::model::{Arch, Binary, Format, Reach, Slice};
use crate::{Imports, Partial, Source, Symbols};

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
    match file.kind() {
        ObjectKind::Executable | ObjectKind::Dynamic => {}
        _ => {
            let e_type = file.elf_header().e_type(file.endian());
            return Err(BinaryError::unsupported(Format::Elf, type_name(e_type)));
        }
    }
    let statics = file.elf_symbol_table();
    tables(
        file.elf_header(),
        file.endian(),
        data,
        file.elf_section_table(),
        Some(statics),
        budget,
    )
}

/// What the checks read of one image, from its section table: `.dynsym`
/// (and `.symtab` when `statics` is given), the version tables and the
/// dynamic section. The full parse passes the file's own section table; the
/// dynamic view ([`parse_dynamic`]) one made from the dynamic segment.
fn tables<'d, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'d>>(
    header: &Elf,
    endian: Endianness,
    data: R,
    sections: &SectionTable<'d, Elf, R>,
    statics: Option<&SymbolTable<'d, Elf, R>>,
    budget: &mut Budget,
) -> Result<Slice, BinaryError> {
    let e_type = header.e_type(endian);
    let dynamic = sections
        .symbols(endian, data, elf::SHT_DYNSYM)
        .map_err(bad)?;
    let mut symbols = Symbols::default();
    definitions(&dynamic, endian, true, &mut symbols, budget)?;
    if let Some(statics) = statics {
        definitions(statics, endian, false, &mut symbols, budget)?;
    }

    // object reads the whole of the version tables when imports are asked
    // for; they are walked within the budget first.
    versions_within_budget(sections, endian, data, budget)?;
    let versions = sections.versions(endian, data).map_err(bad)?;
    let mut imports = Imports::default();
    const IMPORTS: &str = "undefined symbols of .dynsym";
    // As object's `ElfFile::imports` reads them: every undefined entry but
    // the first, named, with the file and name of its version.
    for (index, sym) in dynamic.symbols().iter().enumerate().skip(1) {
        if !sym.is_undefined(endian) {
            continue;
        }
        let name = sym.name(endian, dynamic.strings()).map_err(bad)?;
        if name.is_empty() {
            continue;
        }
        budget.entry(IMPORTS)?;
        let version = match versions.as_ref() {
            Some(versions) => {
                let vi = versions.version_index(endian, SymbolIndex(index)).index();
                versions.version(vi).map_err(bad)?
            }
            None => None,
        };
        let version_name = match version {
            Some(version) => Some(budget.text(version.name(), IMPORTS)?),
            None => None,
        };
        let library = match version.and_then(|v| v.file()) {
            None | Some([]) => None,
            Some(library) => Some(budget.text(library, IMPORTS)?),
        };
        imports.add(budget.text(name, IMPORTS)?, library, version_name);
    }
    let mut needed = Vec::new();
    let table = sections.dynamic_table(endian, data).map_err(bad)?;
    for entry in table.iter() {
        if entry.tag != elf::DT_NEEDED {
            continue;
        }
        budget.entry("DT_NEEDED entries")?;
        let library = table.string(entry).map_err(bad)?;
        needed.push(budget.text(library, "DT_NEEDED entries")?);
    }
    let is_64 = header.is_type_64();
    Ok(Slice {
        arch: arch(header.e_machine(endian), is_64, endian),
        bits: if is_64 { 64 } else { 32 },
        is_shared_library: e_type == elf::ET_DYN,
        symbols: symbols.finish(),
        imports: imports.finish(),
        needed,
        has_static_symbols: statics.is_some_and(|s| !s.is_empty()),
    })
}

/// The defined symbols of one table. In `.dynsym` a global with default or
/// protected visibility is exported; anywhere else a definition is not.
fn definitions<'d, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'d>>(
    table: &SymbolTable<'d, Elf, R>,
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
fn versions_within_budget<'d, Elf: FileHeader<Endian = Endianness>, R: ReadRef<'d>>(
    sections: &SectionTable<'d, Elf, R>,
    endian: Endianness,
    data: R,
    budget: &mut Budget,
) -> Result<(), BinaryError> {
    const WHAT: &str = "GNU version tables";
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

/// What a loader reads of the file: the header, the program headers, the
/// dynamic segment and the tables it points at (`.dynsym`, `.dynstr`, the
/// version tables), with no static symbol table. `None` when the file is
/// not built the way a loader expects (no `PT_DYNAMIC`, an address no
/// `PT_LOAD` maps, no hash table to count `.dynsym` by) or anything in it
/// fails to read: the full parse then reads the file and reports it.
pub(crate) fn parse_dynamic(source: &dyn Source) -> Option<Binary> {
    let class = Partial(source).read_bytes_at(EI_CLASS as u64, 1).ok()?[0];
    let slice = match elf::FileClass(class) {
        elf::ELFCLASS32 => dynamic_slice::<elf::FileHeader32<Endianness>>(source)?,
        elf::ELFCLASS64 => dynamic_slice::<elf::FileHeader64<Endianness>>(source)?,
        _ => return None,
    };
    Some(Binary {
        format: Format::Elf,
        slices: vec![slice],
    })
}

/// The file header alone: class, machine, type ([`crate::parse_headers`]).
pub(crate) fn parse_headers(source: &dyn Source) -> Result<Binary, BinaryError> {
    let slice = match Partial(source).read_bytes_at(EI_CLASS as u64, 1) {
        Ok(&[class]) => match elf::FileClass(class) {
            elf::ELFCLASS32 => header_slice::<elf::FileHeader32<Endianness>>(source)?,
            elf::ELFCLASS64 => header_slice::<elf::FileHeader64<Endianness>>(source)?,
            class => {
                return Err(BinaryError::malformed(
                    Format::Elf,
                    format!("invalid ELF class {}", class.0),
                ));
            }
        },
        _ => return Err(BinaryError::malformed(Format::Elf, "file too short")),
    };
    Ok(Binary {
        format: Format::Elf,
        slices: vec![slice],
    })
}

fn header_slice<Elf: FileHeader<Endian = Endianness>>(
    source: &dyn Source,
) -> Result<Slice, BinaryError> {
    let header = Elf::parse(Partial(source)).map_err(bad)?;
    let endian = header.endian().map_err(bad)?;
    let e_type = header.e_type(endian);
    // What the full parse accepts (object's executable and dynamic kinds).
    if !matches!(e_type, elf::ET_EXEC | elf::ET_DYN) {
        return Err(BinaryError::unsupported(Format::Elf, type_name(e_type)));
    }
    let is_64 = header.is_type_64();
    Ok(Slice {
        arch: arch(header.e_machine(endian), is_64, endian),
        bits: if is_64 { 64 } else { 32 },
        is_shared_library: e_type == elf::ET_DYN,
        symbols: Vec::new(),
        imports: Vec::new(),
        needed: Vec::new(),
        has_static_symbols: false,
    })
}

/// What the dynamic segment says, as file offsets.
#[derive(Default)]
struct DynamicTags {
    symtab: Option<u64>,
    syment: Option<u64>,
    strtab: Option<u64>,
    strsz: Option<u64>,
    hash: Option<u64>,
    gnu_hash: Option<u64>,
    versym: Option<u64>,
    verneed: Option<u64>,
    verneednum: Option<u64>,
    verdef: Option<u64>,
    verdefnum: Option<u64>,
}

fn dynamic_slice<Elf: FileHeader<Endian = Endianness>>(source: &dyn Source) -> Option<Slice> {
    use object::read::elf::{Dyn, ProgramHeader};
    let data = Partial(source);
    let header = Elf::parse(data).ok()?;
    let endian = header.endian().ok()?;
    if !matches!(header.e_type(endian), elf::ET_EXEC | elf::ET_DYN) {
        return None;
    }
    let segments = header.program_headers(endian, data).ok()?;
    let loads: Vec<(u64, u64, u64)> = segments
        .iter()
        .filter(|p| p.p_type(endian) == elf::PT_LOAD)
        .map(|p| {
            (
                p.p_vaddr(endian).into(),
                p.p_filesz(endian).into(),
                p.p_offset(endian).into(),
            )
        })
        .collect();
    // An address as a file offset, and how many bytes its segment has from there.
    let offset = |address: u64| -> Option<(u64, u64)> {
        loads.iter().find_map(|&(vaddr, filesz, offset)| {
            let into = address.checked_sub(vaddr)?;
            (into < filesz).then(|| (offset + into, filesz - into))
        })
    };
    let segment = segments
        .iter()
        .find(|p| p.p_type(endian) == elf::PT_DYNAMIC)?;
    let dynamic_offset: u64 = segment.p_offset(endian).into();
    let entries = segment.dynamic(endian, data).ok()??;
    let mut tags = DynamicTags::default();
    for entry in entries {
        let value: u64 = entry.d_val(endian).into();
        let place = || offset(value).map(|(at, _)| at);
        match entry.tag(endian) {
            elf::DT_NULL => break,
            elf::DT_SYMTAB => tags.symtab = Some(place()?),
            elf::DT_SYMENT => tags.syment = Some(value),
            elf::DT_STRTAB => tags.strtab = Some(place()?),
            elf::DT_STRSZ => tags.strsz = Some(value),
            elf::DT_HASH => tags.hash = Some(place()?),
            elf::DT_GNU_HASH => tags.gnu_hash = Some(value),
            elf::DT_VERSYM => tags.versym = Some(place()?),
            elf::DT_VERNEED => tags.verneed = Some(value),
            elf::DT_VERNEEDNUM => tags.verneednum = Some(value),
            elf::DT_VERDEF => tags.verdef = Some(value),
            elf::DT_VERDEFNUM => tags.verdefnum = Some(value),
            _ => {}
        }
    }
    let symtab = tags.symtab?;
    let strtab = tags.strtab?;
    let strsz = tags.strsz?;
    let syment = tags.syment?;
    if syment != std::mem::size_of::<Elf::Sym>() as u64 {
        return None;
    }
    // `.dynsym` has no size in the dynamic segment; the hash tables give
    // its count (`nchain` of DT_HASH, the last chain of DT_GNU_HASH).
    let count: u64 = match (tags.hash, tags.gnu_hash) {
        (Some(hash), _) => {
            let nchain = data
                .read_at::<object::U32<Endianness>>(hash.checked_add(4)?)
                .ok()?;
            nchain.get(endian).into()
        }
        (None, Some(address)) => {
            let (at, rest) = offset(address)?;
            let table = data.read_bytes_at(at, rest).ok()?;
            let table = object::read::elf::GnuHashTable::<Elf>::parse(endian, table).ok()?;
            table.symbol_table_length(endian)?.into()
        }
        (None, None) => return None,
    };
    if count == 0 {
        return None;
    }
    // The version tables' sizes are not recorded either: their walks stop
    // at their counts, within what their segment holds.
    let rest_of = |address: Option<u64>| address.and_then(offset);
    let verneed = rest_of(tags.verneed);
    let verdef = rest_of(tags.verdef);
    if tags.verneed.is_some() != verneed.is_some() || tags.verdef.is_some() != verdef.is_some() {
        return None;
    }
    // Indexes as the section table below numbers them.
    const DYNSTR: u32 = 1;
    const DYNSYM: u32 = 2;
    let mut headers: Vec<Option<Elf::SectionHeader>> = vec![
        section::<Elf>(endian, elf::SHT_NULL, 0, 0, 0, 0, 0),
        section::<Elf>(endian, elf::SHT_STRTAB, strtab, strsz, 0, 0, 0),
        section::<Elf>(
            endian,
            elf::SHT_DYNSYM,
            symtab,
            count * syment,
            DYNSTR,
            1,
            syment,
        ),
        section::<Elf>(
            endian,
            elf::SHT_DYNAMIC,
            dynamic_offset,
            std::mem::size_of_val(entries) as u64,
            DYNSTR,
            0,
            std::mem::size_of::<Elf::Dyn>() as u64,
        ),
    ];
    if let Some(versym) = tags.versym {
        headers.push(section::<Elf>(
            endian,
            elf::SHT_GNU_VERSYM,
            versym,
            count * 2,
            DYNSYM,
            0,
            2,
        ));
    }
    if let Some((at, rest)) = verneed {
        let num = u32::try_from(tags.verneednum?).ok()?;
        headers.push(section::<Elf>(
            endian,
            elf::SHT_GNU_VERNEED,
            at,
            rest,
            DYNSTR,
            num,
            0,
        ));
    }
    if let Some((at, rest)) = verdef {
        let num = u32::try_from(tags.verdefnum?).ok()?;
        headers.push(section::<Elf>(
            endian,
            elf::SHT_GNU_VERDEF,
            at,
            rest,
            DYNSTR,
            num,
            0,
        ));
    }
    let headers: Vec<Elf::SectionHeader> = headers.into_iter().collect::<Option<_>>()?;
    let sections = SectionTable::new(&headers, Default::default());
    let mut budget = Budget::new(Format::Elf);
    budget.start_slice();
    tables(header, endian, data, &sections, None, &mut budget).ok()
}

fn section<Elf: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    kind: elf::SectionType,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    entsize: u64,
) -> Option<Elf::SectionHeader> {
    // Written as bytes in the file's layout and byte order: object's header
    // types have no constructor generic over the class.
    let is_64 = std::mem::size_of::<Elf::SectionHeader>() == 64;
    let big = endian == Endianness::Big;
    let mut bytes = Vec::with_capacity(64);
    let mut put = |value: u64, wide: bool| {
        let width = if wide && is_64 { 8 } else { 4 };
        let value = if big {
            value.to_be_bytes()
        } else {
            value.to_le_bytes()
        };
        if big {
            bytes.extend_from_slice(&value[8 - width..]);
        } else {
            bytes.extend_from_slice(&value[..width]);
        }
    };
    put(0, false); // sh_name
    put(kind.0.into(), false);
    put(0, true); // sh_flags
    put(0, true); // sh_addr
    put(offset, true);
    put(size, true);
    put(link.into(), false);
    put(info.into(), false);
    put(0, true); // sh_addralign
    put(entsize, true);
    object::pod::from_bytes::<Elf::SectionHeader>(&bytes)
        .ok()
        .map(|(header, _)| *header)
}
