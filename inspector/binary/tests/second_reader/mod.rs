//! goblin, the independent second reader: the facts `binary`'s view
//! reports, read again by goblin from the same bytes, and where the two
//! disagree. Used by `tests/goblin.rs` on real files and by the fuzz target
//! `goblin_agrees` (inspector/fuzz) on arbitrary bytes, so it depends on
//! nothing but `binary` and `goblin`.
//!
//! Every difference goblin is known to make is explained where it is
//! excused below, narrowly; anything else is a disagreement. Two of them
//! only damaged files show (the fuzz corpus): each is named by an
//! [`Explained`] class, recorded on [`Goblin::explained`] when a condition
//! on the file holds, so that the real-file tests can require that none
//! ever applies to them.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use binary::{Arch, Binary, Format, Reach, Slice};
use goblin::elf::sym;
use goblin::mach::{Mach, SingleArch};

/// A difference between the readers that only a damaged file shows,
/// excused where a condition on the file says it is that difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Explained {
    /// ELF: the dynamic segment does not lead to the section headers'
    /// `.dynsym`: there is no `PT_DYNAMIC`, or its `DT_SYMTAB` (mapped to
    /// the file through `PT_LOAD`) is not the offset of the `SHT_DYNSYM`
    /// section, or its `DT_STRTAB` is not the offset of that section's
    /// linked string table. goblin reads dynamic symbols as the loader
    /// does (`DT_SYMTAB`, counted by the hash tables), the view as
    /// `readelf --dyn-syms` and `nm -D` do (the `SHT_DYNSYM` section). On
    /// such a file glibc's loader does not get as far as `dlsym`: an
    /// `ET_DYN` without `PT_DYNAMIC` is refused ("object file has no
    /// dynamic section"), and without `DT_SYMTAB`/`DT_STRTAB` there is no
    /// table to look a name up in. Neither reading is what a loader sees
    /// of a file it will not load; the view keeps the one the static
    /// linker wrote. goblin is then asked to read that same section (with
    /// its own symbol and string table parsers), and the comparison goes
    /// on as for any file: exports, imports and reach must still agree.
    ElfDynsymNotDtSymtab,
    /// ELF, within [`Explained::ElfDynsymNotDtSymtab`]'s reading of the
    /// section: a `.dynsym` name whose bytes in its string table are not
    /// UTF-8 (up to their NUL or the end of the table). goblin's string
    /// table gives no `&str` for it; the view names the symbol lossily.
    /// As for PE below, only the view's symbol under exactly the lossy
    /// decoding of those bytes is excused (from exports, imports and
    /// reach alike).
    ElfSymbolNameNotUtf8,
    /// PE: an export name pointer leads to bytes that are not UTF-8 (up to
    /// their NUL, or the end of the file). goblin reads a name as a `&str`
    /// and leaves such an export unnamed; the view keeps the export, its
    /// name decoded lossily (U+FFFD for each bad sequence), since
    /// `GetProcAddress` compares bytes and would find it. Both are right
    /// about the table; the view's name is the lossy decoding of exactly
    /// those bytes, and only such names are excused.
    PeExportNameNotUtf8,
    /// Mach-O: no export trie (no `LC_DYLD_INFO(_ONLY)` nor
    /// `LC_DYLD_EXPORTS_TRIE`). dyld then looks names up in the symbol
    /// table (the classic lookup), as the view does; goblin 0.10's
    /// `exports()` reads a trie only and lists none. goblin's exports are
    /// then the external, not private, definitions of its own reading of
    /// LC_SYMTAB.
    MachoNoExportTrie,
    /// Mach-O: a dyld bind entry with an empty name. goblin lists it as
    /// an import named ""; the view drops every empty name (nothing can
    /// be looked up by it). Only the empty name is excused.
    MachoEmptyBindName,
}

/// One slice's facts, in the view's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub arch: Arch,
    pub bits: u8,
    /// Exported names (C-level: the Mach-O underscore removed).
    pub exports: BTreeSet<String>,
    /// (name, library, version) of every import.
    pub imports: BTreeSet<(String, Option<String>, Option<String>)>,
    /// Needed libraries, in file order.
    pub needed: Vec<String>,
    /// ELF only: every defined symbol's reach, by the view's rules from
    /// goblin's binding, visibility and tables.
    pub reach: Option<BTreeMap<String, Reach>>,
    /// Mach-O, goblin's only: undefined names of LC_SYMTAB that no bind
    /// entry of dyld's names (see `compare`).
    pub unbound: BTreeSet<String>,
    /// goblin's only: the lossy decoding of each name goblin cannot read
    /// because it is not UTF-8 ([`Explained::PeExportNameNotUtf8`],
    /// [`Explained::ElfSymbolNameNotUtf8`]).
    pub not_utf8_names: BTreeSet<String>,
    /// The classes found while reading this slice (merged into
    /// [`Goblin::explained`]).
    pub explained: BTreeSet<Explained>,
}

/// What goblin read from a file, per slice, plus what the comparison must
/// know of the file as a whole.
pub struct Goblin {
    pub format: Format,
    pub slices: Vec<Facts>,
    /// PE: a delay-load import directory is present (goblin 0.10 does not
    /// read it; the view does).
    pub delay_imports: bool,
    /// Mach-O: which slices use chained fixups (`LC_DYLD_CHAINED_FIXUPS`),
    /// whose imports goblin 0.10 does not read.
    pub chained_fixups: Vec<bool>,
    /// The damaged-file classes whose condition holds for this file
    /// (empty for every real file: tests/goblin.rs requires it).
    pub explained: BTreeSet<Explained>,
}

/// The view's facts of one slice.
pub fn ours(slice: &Slice, with_reach: bool) -> Facts {
    Facts {
        arch: slice.arch,
        bits: slice.bits,
        exports: slice.exports().map(|s| s.name.clone()).collect(),
        imports: slice
            .imports
            .iter()
            .map(|i| (i.name.clone(), i.library.clone(), i.version.clone()))
            .collect(),
        needed: slice.needed.clone(),
        reach: with_reach.then(|| {
            slice
                .symbols
                .iter()
                .map(|s| (s.name.clone(), s.reach))
                .collect()
        }),
        unbound: BTreeSet::new(),
        not_utf8_names: BTreeSet::new(),
        explained: BTreeSet::new(),
    }
}

/// Reads `data` with goblin; Err when goblin cannot read it (or it is not a
/// kind the view reads).
pub fn goblin(data: &[u8]) -> Result<Goblin, String> {
    match goblin::Object::parse(data).map_err(|e| e.to_string())? {
        goblin::Object::Elf(elf) => {
            let mut explained = BTreeSet::new();
            let slice = elf_facts(&elf, data, &mut explained)?;
            Ok(Goblin {
                format: Format::Elf,
                slices: vec![slice],
                delay_imports: false,
                chained_fixups: vec![],
                explained,
            })
        }
        goblin::Object::PE(pe) => pe_facts(&pe, data),
        goblin::Object::Mach(Mach::Binary(macho)) => {
            let slice = macho_facts(&macho, data)?;
            Ok(Goblin {
                format: Format::Macho,
                chained_fixups: vec![has_chained_fixups(&macho)],
                explained: slice.explained.clone(),
                slices: vec![slice],
                delay_imports: false,
            })
        }
        goblin::Object::Mach(Mach::Fat(fat)) => {
            let mut slices = Vec::new();
            let mut chained = Vec::new();
            let arches = fat.arches().map_err(|e| e.to_string())?;
            for (arch, slice) in arches.iter().zip(&fat) {
                match slice.map_err(|e| e.to_string())? {
                    SingleArch::MachO(macho) => {
                        let macho_data = arch.slice(data);
                        chained.push(has_chained_fixups(&macho));
                        slices.push(macho_facts(&macho, macho_data)?);
                    }
                    SingleArch::Archive(_) => return Err("an archive in a fat file".into()),
                }
            }
            Ok(Goblin {
                format: Format::Macho,
                explained: slices.iter().flat_map(|s| s.explained.clone()).collect(),
                slices,
                delay_imports: false,
                chained_fixups: chained,
            })
        }
        _ => Err("not ELF, PE or Mach-O to goblin".into()),
    }
}

fn elf_arch(machine: u16, is_64: bool, little: bool) -> Arch {
    use goblin::elf::header::*;
    match machine {
        EM_386 => Arch::X86,
        EM_X86_64 => Arch::X86_64,
        EM_ARM => Arch::Arm,
        EM_AARCH64 => Arch::Aarch64,
        EM_PPC => Arch::PowerPc,
        EM_PPC64 if little => Arch::PowerPc64Le,
        EM_PPC64 => Arch::PowerPc64,
        EM_S390 if is_64 => Arch::S390x,
        EM_RISCV if is_64 => Arch::Riscv64,
        258 if is_64 => Arch::LoongArch64, // EM_LOONGARCH
        _ => Arch::Other,
    }
}

/// The section headers' `.dynsym` (the first `SHT_DYNSYM` section, as
/// object takes it) and its string table, read by goblin, when the dynamic
/// segment does not lead to them ([`Explained::ElfDynsymNotDtSymtab`]).
fn dynsym_by_sections<'a>(
    elf: &goblin::elf::Elf<'a>,
    data: &'a [u8],
) -> Result<Option<(goblin::elf::Symtab<'a>, &'a [u8])>, String> {
    use goblin::container::{Container, Ctx, Endian};
    use goblin::elf::section_header::SHT_DYNSYM;
    let Some(dynsym) = elf.section_headers.iter().find(|s| s.sh_type == SHT_DYNSYM) else {
        return Ok(None);
    };
    let Some(strings) = elf.section_headers.get(dynsym.sh_link as usize) else {
        return Ok(None);
    };
    let leads_there = elf.dynamic.as_ref().is_some_and(|dynamic| {
        dynamic.info.symtab as u64 == dynsym.sh_offset
            && dynamic.info.strtab as u64 == strings.sh_offset
    });
    if leads_there {
        return Ok(None);
    }
    let (container, size) = match elf.is_64 {
        true => (Container::Big, sym::sym64::SIZEOF_SYM),
        false => (Container::Little, sym::sym32::SIZEOF_SYM),
    };
    let endian = if elf.little_endian {
        Endian::Little
    } else {
        Endian::Big
    };
    let symbols = goblin::elf::Symtab::parse(
        data,
        dynsym.sh_offset as usize,
        dynsym.sh_size as usize / size,
        Ctx::new(container, endian),
    )
    .map_err(|e| e.to_string())?;
    // goblin's string table refuses a whole table with one name that is
    // not UTF-8; the names are looked up one by one instead (`elf_facts`).
    let strings = usize::try_from(strings.sh_offset)
        .ok()
        .and_then(|start| Some(start..start.checked_add(usize::try_from(strings.sh_size).ok()?)?))
        .and_then(|range| data.get(range))
        .ok_or("the .dynsym string table is outside the file")?;
    Ok(Some((symbols, strings)))
}

fn needed_by_sections(
    elf: &goblin::elf::Elf<'_>,
    data: &[u8],
    name: &dyn Fn(usize) -> Result<Result<String, String>, String>,
) -> Result<Vec<String>, String> {
    use goblin::elf::section_header::SHT_DYNAMIC;
    let Some(section) = elf
        .section_headers
        .iter()
        .find(|s| s.sh_type == SHT_DYNAMIC)
    else {
        return Ok(vec![]);
    };
    let word = if elf.is_64 { 8 } else { 4 };
    let read = |at: usize| -> Option<u64> {
        let bytes = data.get(at..at.checked_add(word)?)?;
        let mut value = 0u64;
        for (i, &b) in bytes.iter().enumerate() {
            let shift = if elf.little_endian { i } else { word - 1 - i };
            value |= u64::from(b) << (8 * shift);
        }
        Some(value)
    };
    let start = section.sh_offset as usize;
    let mut needed = Vec::new();
    for entry in 0..section.sh_size as usize / (2 * word) {
        let at = start + entry * 2 * word;
        let (Some(tag), Some(value)) = (read(at), read(at + word)) else {
            break;
        };
        match tag {
            0 => break,
            1 => needed.push(
                name(value as usize)?
                    .map_err(|_| "a DT_NEEDED name that is not UTF-8".to_string())?,
            ),
            _ => {}
        }
    }
    Ok(needed)
}

fn elf_facts<'a>(
    elf: &goblin::elf::Elf<'a>,
    data: &'a [u8],
    explained: &mut BTreeSet<Explained>,
) -> Result<Facts, String> {
    let little = elf.little_endian;
    let by_sections = dynsym_by_sections(elf, data)?;
    if by_sections.is_some() {
        explained.insert(Explained::ElfDynsymNotDtSymtab);
    }
    // A name of the dynamic tables: Ok(Err(lossy)) for a name of the
    // section's string table that is not UTF-8, which goblin cannot give
    // (Explained::ElfSymbolNameNotUtf8; the symbol is skipped below).
    let dynamic_name = |offset: usize| -> Result<Result<String, String>, String> {
        let Some((_, strings)) = &by_sections else {
            return elf
                .dynstrtab
                .get_at(offset)
                .map(|name| Ok(name.to_string()))
                .ok_or_else(|| format!("no string at {offset}"));
        };
        let bytes = strings
            .get(offset..)
            .ok_or_else(|| format!("no string at {offset}"))?;
        let bytes = match bytes.iter().position(|&b| b == 0) {
            Some(end) => &bytes[..end],
            None => bytes,
        };
        Ok(std::str::from_utf8(bytes)
            .map(String::from)
            .map_err(|_| String::from_utf8_lossy(bytes).into_owned()))
    };
    let mut not_utf8_names = BTreeSet::new();
    let name = |strtab: &goblin::strtab::Strtab<'_>, offset: usize| -> Result<String, String> {
        strtab
            .get_at(offset)
            .map(String::from)
            .ok_or_else(|| format!("no string at {offset}"))
    };
    // The needed version of each .gnu.version index: (file, version).
    let mut versions: BTreeMap<u16, (String, String)> = BTreeMap::new();
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            // A version name goblin cannot give: goblin does not read the
            // file (as it would not with its own string table).
            let not_utf8 = |_| "a version name that is not UTF-8".to_string();
            let file = dynamic_name(need.vn_file)?.map_err(not_utf8)?;
            for aux in need.iter() {
                let version = dynamic_name(aux.vna_name)?.map_err(not_utf8)?;
                versions.insert(aux.vna_other, (file.clone(), version));
            }
        }
    }
    let mut exports = BTreeSet::new();
    let mut imports = BTreeSet::new();
    let mut reach = BTreeMap::new();
    let mut add = |name: String, r: Reach| {
        let rank = |r: &Reach| match r {
            Reach::Exported => 0,
            Reach::Hidden => 1,
            Reach::NotInExportTable => 2,
            Reach::Local => 3,
        };
        let entry = reach.entry(name).or_insert(r);
        if rank(&r) < rank(entry) {
            *entry = r;
        }
    };
    let dynsyms = match &by_sections {
        Some((symbols, _)) => symbols,
        None => &elf.dynsyms,
    };
    for (table, dynamic) in [(dynsyms, true), (&elf.syms, false)] {
        for (index, symbol) in table.iter().enumerate().skip(1) {
            let symbol_name = match dynamic {
                true => match dynamic_name(symbol.st_name)? {
                    Ok(name) => name,
                    Err(lossy) => {
                        not_utf8_names.insert(lossy);
                        continue;
                    }
                },
                false => name(&elf.strtab, symbol.st_name)?,
            };
            if symbol.st_shndx == 0 {
                if dynamic && !symbol_name.is_empty() {
                    let version = elf
                        .versym
                        .as_ref()
                        .and_then(|v| v.get_at(index))
                        .and_then(|v| versions.get(&v.version()));
                    imports.insert((
                        symbol_name,
                        version.map(|(file, _)| file.clone()),
                        version.map(|(_, version)| version.clone()),
                    ));
                }
                continue;
            }
            if matches!(symbol.st_type(), sym::STT_SECTION | sym::STT_FILE)
                || symbol_name.is_empty()
                || (symbol.st_bind() == sym::STB_LOCAL && symbol_name.starts_with('$'))
            {
                continue;
            }
            let global = matches!(
                symbol.st_bind(),
                sym::STB_GLOBAL | sym::STB_WEAK | sym::STB_GNU_UNIQUE
            );
            let r = match symbol.st_visibility() {
                sym::STV_HIDDEN | sym::STV_INTERNAL => Reach::Hidden,
                _ if !global => Reach::Local,
                _ if dynamic => Reach::Exported,
                _ => Reach::Hidden,
            };
            if r == Reach::Exported {
                exports.insert(symbol_name.clone());
            }
            add(symbol_name, r);
        }
    }
    if !not_utf8_names.is_empty() {
        explained.insert(Explained::ElfSymbolNameNotUtf8);
    }
    let mut needed: Vec<String> = elf.libraries.iter().map(|s| s.to_string()).collect();
    // Explained::ElfDynsymNotDtSymtab without any PT_DYNAMIC: the needed
    // libraries too are those of the section headers' `.dynamic`, read
    // here entry by entry (DT_NEEDED until DT_NULL) in the .dynsym
    // section's string table, as the view (object) reads them.
    if elf.dynamic.is_none() && by_sections.is_some() {
        needed = needed_by_sections(elf, data, &dynamic_name)?;
    }
    Ok(Facts {
        arch: elf_arch(elf.header.e_machine, elf.is_64, little),
        bits: if elf.is_64 { 64 } else { 32 },
        exports,
        imports,
        needed,
        reach: Some(reach),
        unbound: BTreeSet::new(),
        not_utf8_names,
        explained: BTreeSet::new(),
    })
}

/// The export names goblin leaves unnamed because their bytes are not
/// UTF-8 ([`Explained::PeExportNameNotUtf8`]), decoded lossily, found
/// through the name pointer table as goblin finds them.
fn not_utf8_export_names(pe: &goblin::pe::PE<'_>, data: &[u8]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let (Some(export_data), Some(header)) = (&pe.export_data, &pe.header.optional_header) else {
        return names;
    };
    let alignment = header.windows_fields.file_alignment;
    let options = goblin::pe::options::ParseOptions::default();
    for &pointer in &export_data.export_name_pointer_table {
        let Some(bytes) =
            goblin::pe::utils::find_offset(pointer as usize, &pe.sections, alignment, &options)
                .and_then(|offset| data.get(offset..))
        else {
            continue;
        };
        let name = match bytes.iter().position(|&b| b == 0) {
            Some(end) => &bytes[..end],
            None => bytes,
        };
        if std::str::from_utf8(name).is_err() {
            names.insert(String::from_utf8_lossy(name).into_owned());
        }
    }
    names
}

fn pe_facts(pe: &goblin::pe::PE<'_>, data: &[u8]) -> Result<Goblin, String> {
    use goblin::pe::header::*;
    let arch = match pe.header.coff_header.machine {
        COFF_MACHINE_X86_64 => Arch::X86_64,
        COFF_MACHINE_X86 => Arch::X86,
        COFF_MACHINE_ARM64 | 0xa641 | 0xa64e => Arch::Aarch64, // ARM64EC, ARM64X
        COFF_MACHINE_ARMNT | COFF_MACHINE_ARM | COFF_MACHINE_THUMB => Arch::Arm,
        _ => Arch::Other,
    };
    let mut needed = Vec::new();
    for library in &pe.libraries {
        if !needed.iter().any(|n: &String| n == library) {
            needed.push(library.to_string());
        }
    }
    let imports = pe
        .imports
        .iter()
        .map(|i| {
            // goblin names an ordinal import `ORDINAL n`; the view `#n`.
            let name = match i.name.strip_prefix("ORDINAL ") {
                Some(ordinal) => format!("#{ordinal}"),
                None => i.name.to_string(),
            };
            (name, Some(i.dll.to_string()), None)
        })
        .collect();
    let delay_imports = pe
        .header
        .optional_header
        .is_some_and(|h| h.data_directories.get_delay_import_descriptor().is_some());
    let not_utf8_exports = not_utf8_export_names(pe, data);
    let mut explained = BTreeSet::new();
    if !not_utf8_exports.is_empty() {
        explained.insert(Explained::PeExportNameNotUtf8);
    }
    Ok(Goblin {
        format: Format::Pe,
        slices: vec![Facts {
            arch,
            bits: if pe.is_64 { 64 } else { 32 },
            exports: pe
                .exports
                .iter()
                .filter_map(|e| e.name.map(String::from))
                .collect(),
            imports,
            needed,
            reach: None,
            unbound: BTreeSet::new(),
            not_utf8_names: not_utf8_exports,
            explained: BTreeSet::new(),
        }],
        delay_imports,
        chained_fixups: vec![],
        explained,
    })
}

fn has_chained_fixups(macho: &goblin::mach::MachO<'_>) -> bool {
    macho
        .load_commands
        .iter()
        .any(|c| c.command.cmd() == goblin::mach::load_command::LC_DYLD_CHAINED_FIXUPS)
}

/// goblin 0.10 walks a Mach-O export trie by recursion, without looking
/// for a cycle or a node shared by several parents: a crafted trie
/// overflows its stack or takes exponential time (the view's walker has
/// neither problem). Before goblin is asked for the exports, the trie is
/// walked here as goblin would walk it, with a bound on the nodes it would
/// visit and on their depth; past it, goblin is taken not to read the file.
fn trie_within_goblin_reach(macho: &goblin::mach::MachO<'_>, data: &[u8]) -> bool {
    use goblin::mach::load_command::CommandVariant;
    let mut trie = None;
    for command in &macho.load_commands {
        match &command.command {
            CommandVariant::DyldInfo(c) | CommandVariant::DyldInfoOnly(c) => {
                trie = Some((c.export_off as usize, c.export_size as usize));
            }
            CommandVariant::DyldExportsTrie(c) => {
                trie = Some((c.dataoff as usize, c.datasize as usize));
            }
            _ => {}
        }
    }
    let Some((start, size)) = trie else {
        return true;
    };
    let end = start.saturating_add(size);
    fn uleb(data: &[u8], at: &mut usize) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *data.get(*at)?;
            *at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
    const NODES: usize = 100_000;
    const DEPTH: usize = 256;
    let mut visits = 0;
    let mut stack = vec![(start, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        visits += 1;
        if visits > NODES || depth > DEPTH {
            return false;
        }
        if node >= end {
            continue;
        }
        let mut at = node;
        let Some(terminal) = uleb(data, &mut at) else {
            continue;
        };
        let mut children = match terminal {
            0 => at,
            n => match at.checked_add(n as usize) {
                Some(children) => children,
                None => continue,
            },
        };
        let Some(count) = uleb(data, &mut children) else {
            continue;
        };
        for _ in 0..count.min(data.len() as u64) {
            let Some(len) = data
                .get(children..)
                .and_then(|d| d.iter().position(|&b| b == 0))
            else {
                break;
            };
            children += len + 1;
            let Some(next) = uleb(data, &mut children) else {
                break;
            };
            stack.push(((next as usize).saturating_add(start), depth + 1));
        }
    }
    true
}

fn macho_facts(macho: &goblin::mach::MachO<'_>, data: &[u8]) -> Result<Facts, String> {
    if !trie_within_goblin_reach(macho, data) {
        return Err("an export trie goblin's recursive walk cannot bound".into());
    }
    use goblin::mach::constants::cputype::*;
    let arch = match macho.header.cputype {
        CPU_TYPE_X86_64 => Arch::X86_64,
        CPU_TYPE_X86 => Arch::X86,
        CPU_TYPE_ARM64 | CPU_TYPE_ARM64_32 => Arch::Aarch64,
        CPU_TYPE_ARM => Arch::Arm,
        CPU_TYPE_POWERPC => Arch::PowerPc,
        CPU_TYPE_POWERPC64 => Arch::PowerPc64,
        _ => Arch::Other,
    };
    let c_name = |name: &str| name.strip_prefix('_').unwrap_or(name).to_string();
    let mut explained = BTreeSet::new();
    let mut exports: BTreeSet<String> = macho
        .exports()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|e| c_name(&e.name))
        .collect();
    let has_trie = macho.load_commands.iter().any(|c| {
        use goblin::mach::load_command::*;
        matches!(
            c.command.cmd(),
            LC_DYLD_INFO | LC_DYLD_INFO_ONLY | LC_DYLD_EXPORTS_TRIE
        )
    });
    if !has_trie {
        for symbol in macho.symbols() {
            let (name, nlist) = symbol.map_err(|e| e.to_string())?;
            let defined =
                !nlist.is_undefined() && nlist.n_type & goblin::mach::symbols::N_STAB == 0;
            let external = nlist.n_type & goblin::mach::symbols::N_EXT != 0
                && nlist.n_type & goblin::mach::symbols::N_PEXT == 0;
            if defined && external && !name.is_empty() {
                exports.insert(c_name(name));
            }
        }
        if !exports.is_empty() {
            explained.insert(Explained::MachoNoExportTrie);
        }
    }
    let mut imports: BTreeSet<(String, Option<String>, Option<String>)> = macho
        .imports()
        .map_err(|e| e.to_string())?
        .iter()
        // goblin keeps a special ordinal (`BIND_OPCODE_SET_DYLIB_SPECIAL_IMM`:
        // self, the main executable, flat lookup as with `-undefined
        // dynamic_lookup`) apart and names such an import's library by
        // ordinal 0: "self", or the image's own LC_ID_DYLIB name in a
        // dylib; the view names no library for any of them.
        .map(|i| {
            let dylib = (i.dylib != macho.libs[0]).then(|| i.dylib.to_string());
            (c_name(i.name), dylib, None)
        })
        .collect();
    let before = imports.len();
    imports.retain(|(name, _, _)| !name.is_empty());
    if imports.len() != before {
        explained.insert(Explained::MachoEmptyBindName);
    }
    let bound: BTreeSet<&String> = imports.iter().map(|(name, _, _)| name).collect();
    let mut unbound = BTreeSet::new();
    for symbol in macho.symbols() {
        let (name, nlist) = symbol.map_err(|e| e.to_string())?;
        if nlist.is_undefined() && nlist.n_value == 0 && !bound.contains(&c_name(name)) {
            unbound.insert(c_name(name));
        }
    }
    Ok(Facts {
        arch,
        bits: if macho.is_64 { 64 } else { 32 },
        unbound,
        exports,
        imports,
        // goblin lists the image itself first, as "self".
        needed: macho.libs.iter().skip(1).map(|s| s.to_string()).collect(),
        reach: None,
        not_utf8_names: BTreeSet::new(),
        explained,
    })
}

/// Where the view and goblin disagree about `data`, after the explained
/// exceptions; empty when they agree or when either cannot read the file.
pub fn disagreements(data: &[u8]) -> Vec<String> {
    let Ok(view) = binary::parse(data) else {
        return vec![];
    };
    let Ok(theirs) = goblin(data) else {
        return vec![];
    };
    compare(&view, &theirs)
}

pub fn compare(view: &Binary, theirs: &Goblin) -> Vec<String> {
    let mut found = Vec::new();
    if view.format != theirs.format {
        return vec![format!(
            "format: ours {:?}, goblin's {:?}",
            view.format, theirs.format
        )];
    }
    if view.slices.len() != theirs.slices.len() {
        return vec![format!(
            "slices: ours {}, goblin's {}",
            view.slices.len(),
            theirs.slices.len()
        )];
    }
    for (index, (slice, goblin)) in view.slices.iter().zip(&theirs.slices).enumerate() {
        let mut ours = ours(slice, goblin.reach.is_some());
        let mut goblin = goblin.clone();
        let at = |what: &str| format!("slice {index}: {what}");
        // goblin 0.10 does not read the delay-load import table: the
        // view's imports and DLLs beyond goblin's must all be delay-loaded
        // (a directory must be present, and they come after the others).
        if theirs.delay_imports {
            ours.imports.retain(|i| goblin.imports.contains(i));
            ours.needed.truncate(goblin.needed.len());
        }
        // goblin 0.10 reads Mach-O imports from the dyld bind opcodes only;
        // with chained fixups it lists none.
        if theirs.chained_fixups.get(index) == Some(&true) && goblin.imports.is_empty() {
            goblin.imports = ours.imports.clone();
        }
        // goblin's Mach-O imports are what dyld binds; the view's are every
        // undefined symbol too, and the static linker can leave one in
        // LC_SYMTAB that no bind entry names (a reference it dead-stripped:
        // `__error`, `__DefaultRuneLocale` in Pillow's libavif). Such a
        // name, undefined in goblin's reading of LC_SYMTAB too, is the
        // view's alone.
        ours.imports
            .retain(|(name, _, _)| !goblin.unbound.contains(name));
        // Explained::PeExportNameNotUtf8, ElfSymbolNameNotUtf8: a symbol
        // goblin cannot name is the view's alone, under exactly its lossy
        // name.
        let named = |name: &String| !goblin.not_utf8_names.contains(name);
        ours.exports.retain(named);
        ours.imports.retain(|(name, _, _)| named(name));
        if let Some(reach) = &mut ours.reach {
            reach.retain(|name, _| named(name));
        }
        if ours.arch != goblin.arch || ours.bits != goblin.bits {
            found.push(at(&format!(
                "machine: ours {:?}/{}, goblin's {:?}/{}",
                ours.arch, ours.bits, goblin.arch, goblin.bits
            )));
        }
        diff(&mut found, &at("exports"), &ours.exports, &goblin.exports);
        diff(&mut found, &at("imports"), &ours.imports, &goblin.imports);
        // goblin sorts its list of PE DLLs (and keeps each once); the
        // view keeps file order.
        if theirs.format == Format::Pe {
            ours.needed.sort();
        }
        if ours.needed != goblin.needed {
            found.push(at(&format!(
                "needed: ours {:?}, goblin's {:?}",
                ours.needed, goblin.needed
            )));
        }
        if let (Some(ours), Some(goblin)) = (&ours.reach, &goblin.reach) {
            let ours: BTreeSet<_> = ours.iter().collect();
            let goblin: BTreeSet<_> = goblin.iter().collect();
            diff(&mut found, &at("reach"), &ours, &goblin);
        }
    }
    found
}

fn diff<T: Ord + std::fmt::Debug>(
    found: &mut Vec<String>,
    what: &str,
    ours: &BTreeSet<T>,
    goblin: &BTreeSet<T>,
) {
    if ours == goblin {
        return;
    }
    let only_ours: Vec<&T> = ours.difference(goblin).take(5).collect();
    let only_goblin: Vec<&T> = goblin.difference(ours).take(5).collect();
    found.push(format!(
        "{what}: only ours {only_ours:?} ({} in all), only goblin's {only_goblin:?} ({} in all)",
        ours.difference(goblin).count(),
        goblin.difference(ours).count()
    ));
}
