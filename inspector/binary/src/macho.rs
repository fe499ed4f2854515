//! Mach-O, thin and universal. The symbol table is the primary source;
//! the export trie and chained fixups / dyld bind info (what dyld reads)
//! add names the symbol table may lack. What is exported is what dyld
//! finds: the export trie's names when the image has a trie, else the
//! external definitions of the symbol table.

use std::collections::btree_map::{BTreeMap, Entry};

use object::macho;
use object::read::macho::{FatArch, MachHeader, MachOFatFile32, MachOFatFile64, MachOFile, Nlist};
use object::{Endianness, Object};

use crate::error::BinaryError;
use crate::exports_trie::{self, Stop};
use crate::limits::Budget;
use crate::model::{Arch, Binary, Format, Import, Reach, Slice};
use crate::{Partial, Source, Symbols, sniff};

pub(crate) fn parse(data: &[u8], budget: &mut Budget) -> Result<Binary, BinaryError> {
    Ok(Binary {
        format: Format::Macho,
        slices: vec![thin(data, budget)?],
    })
}

fn bad(e: impl std::fmt::Display) -> BinaryError {
    BinaryError::malformed(Format::Macho, e)
}

pub(crate) fn parse_fat(data: &[u8], budget: &mut Budget) -> Result<Binary, BinaryError> {
    // The declared count is bounded before object reads that many headers.
    if let Some(&[a, b, c, d]) = data.get(4..8) {
        budget.slices(u32::from_be_bytes([a, b, c, d]))?;
    }
    let slices = match data.get(3) {
        Some(0xbf) => slices(
            MachOFatFile64::parse(data).map_err(bad)?.arches(),
            data,
            budget,
        )?,
        _ => slices(
            MachOFatFile32::parse(data).map_err(bad)?.arches(),
            data,
            budget,
        )?,
    };
    if slices.is_empty() {
        return Err(bad("universal file has no slices"));
    }
    Ok(Binary {
        format: Format::Macho,
        slices,
    })
}

fn slices<A: FatArch>(
    arches: &[A],
    data: &[u8],
    budget: &mut Budget,
) -> Result<Vec<Slice>, BinaryError> {
    let mut slices = Vec::new();
    for arch in arches {
        let bytes = arch.data(data).map_err(bad)?;
        sniff::check_fat_slice(bytes)?;
        slices.push(thin(bytes, budget)?);
    }
    Ok(slices)
}

fn thin(data: &[u8], budget: &mut Budget) -> Result<Slice, BinaryError> {
    budget.start_slice();
    // The magic's last byte (either order) says 32 (ce) or 64 (cf) bit.
    match data.get(..4) {
        Some([0xcf, ..] | [.., 0xcf]) => image::<macho::MachHeader64<Endianness>>(data, budget),
        _ => image::<macho::MachHeader32<Endianness>>(data, budget),
    }
}

const SYMTAB: &str = "symbol table (LC_SYMTAB)";
const LIBRARIES: &str = "dylib load commands";
const BOUND: &str = "bind information";
const CHAINED: &str = "chained fixups imports";

fn image<Mach: MachHeader<Endian = Endianness>>(
    data: &[u8],
    budget: &mut Budget,
) -> Result<Slice, BinaryError> {
    let file = MachOFile::<Mach>::parse(data).map_err(bad)?;
    let endian = file.endian();
    let header = file.macho_header();
    let filetype = header.filetype(endian);
    if !LOADABLE.contains(&filetype) {
        return Err(BinaryError::unsupported(Format::Macho, type_name(filetype)));
    }

    // Index = library ordinal; 0 is the image itself.
    let mut libraries = vec![None];
    let mut needed = Vec::new();
    for library in file.import_libraries().map_err(bad)? {
        budget.entry(LIBRARIES)?;
        let name = budget.text(library.map_err(bad)?.name(), LIBRARIES)?;
        libraries.push(Some(budget.copy(&name, LIBRARIES)?));
        needed.push(name);
    }
    let twolevel = header.flags(endian).contains(macho::MH_TWOLEVEL);

    let trie = export_trie(&file, data);
    let table = file.macho_symbol_table();
    let mut symbols = Symbols::default();
    // External definitions of LC_SYMTAB, held back while there is a trie
    // to say whether dyld exports them (each name once, as `symbols`
    // holds it: many entries may repeat one long name).
    let mut externals = std::collections::BTreeSet::new();
    let mut imports = MachImports::default();
    let mut has_static_symbols = false;
    for nlist in table.symbols() {
        budget.entry(SYMTAB)?;
        let n_type = nlist.n_type();
        if n_type.is_stab() {
            continue;
        }
        let name = nlist.name(endian, table.strings()).map_err(bad)?;
        if name.is_empty() {
            continue;
        }
        match n_type.typ() {
            // A nonzero value marks a common symbol, not a reference.
            macho::N_UNDF if nlist.n_value(endian).into() == 0 => {
                let ordinal = nlist.n_desc(endian).library().0;
                let library = match twolevel {
                    true => library(&libraries, ordinal.into(), budget, SYMTAB)?,
                    false => None,
                };
                imports.add(c_name(name, budget, SYMTAB)?, library, true);
            }
            macho::N_UNDF | macho::N_PBUD => {}
            _ => {
                // ld64 clears N_EXT on private externs but keeps N_PEXT.
                let reach = if n_type.contains(macho::N_PEXT) {
                    Reach::Hidden
                } else if n_type.is_ext() {
                    Reach::Exported
                } else {
                    Reach::Local
                };
                // LC_SYMTAB always holds the exports; only unexported
                // entries show that `strip -x` has not been run.
                has_static_symbols |= reach != Reach::Exported;
                let name = c_name(name, budget, SYMTAB)?;
                match reach {
                    Reach::Exported if trie.is_some() => {
                        externals.insert(name);
                    }
                    _ => symbols.add(name, reach),
                }
            }
        }
    }

    // Supplementary sources are best effort: the symbol table has already
    // given every name, so a part that cannot be decoded is no reason to
    // fail, but a limit reached in one stops the parse.
    //
    // With a trie, dyld (`dlsym`, and so CPython's import) looks names up
    // in the trie alone: an external definition of LC_SYMTAB that the trie
    // lacks (a damaged file: ld64 puts every exported definition in both)
    // is not found, as a hidden one is not. Only a trie read to its end
    // can say so; when its walk stops on damage, the symbol table's
    // externals stay exported.
    let mut trie_read = false;
    if let Some(trie) = trie {
        let walked = exports_trie::walk(trie, libraries.len() - 1, budget, |budget, name| {
            symbols.add(c_name(name, budget, "export trie")?, Reach::Exported);
            Ok(())
        });
        match walked {
            Ok(()) => trie_read = true,
            Err(Stop::Limit(error)) => return Err(error),
            Err(Stop::Malformed) => {}
        }
    }
    for name in externals {
        symbols.add(
            name,
            if trie_read {
                Reach::Hidden
            } else {
                Reach::Exported
            },
        );
    }
    bound_imports(&file, data, &libraries, &symbols, &mut imports, budget)?;

    Ok(Slice {
        arch: arch(header.cputype(endian)),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: filetype == macho::MH_BUNDLE || filetype == macho::MH_DYLIB,
        symbols: symbols.finish(),
        imports: imports.finish(),
        needed,
        has_static_symbols,
    })
}

/// The bytes of the export trie: `LC_DYLD_EXPORTS_TRIE`, else the export
/// part of `LC_DYLD_INFO(_ONLY)`, the last of each kind as object takes it.
fn export_trie<'data, Mach: MachHeader<Endian = Endianness>>(
    file: &MachOFile<'data, Mach>,
    data: &'data [u8],
) -> Option<&'data [u8]> {
    let endian = file.endian();
    let mut trie = None;
    let mut info = None;
    let mut commands = file.macho_load_commands().ok()?;
    while let Ok(Some(command)) = commands.next() {
        if let Ok(Some(command)) = command.dyld_exports_trie() {
            trie = Some((command.dataoff.get(endian), command.datasize.get(endian)));
        } else if let Ok(Some(command)) = command.dyld_info() {
            info = Some((
                command.export_off.get(endian),
                command.export_size.get(endian),
            ));
        }
    }
    let (offset, size) = trie.or(info)?;
    let start = usize::try_from(offset).ok()?;
    data.get(start..start.checked_add(usize::try_from(size).ok()?)?)
}

/// Imports dyld binds that the symbol table lacks. Chained fixups are read
/// here, since object reads every import's name (and skips those bound to
/// the image itself) inside one step; bind opcodes through object, whose
/// every step consumes bytes. A name the image defines itself and that no
/// dylib is named for is a weak definition dyld may coalesce with another
/// image's (the weak bind table, or the weak-lookup ordinal of chained
/// fixups), not a symbol the image needs from elsewhere: it is left out.
fn bound_imports<Mach: MachHeader<Endian = Endianness>>(
    file: &MachOFile<'_, Mach>,
    data: &[u8],
    libraries: &[Option<String>],
    defined: &Symbols,
    imports: &mut MachImports,
    budget: &mut Budget,
) -> Result<(), BinaryError> {
    let endian = file.endian();
    let mut chained = None;
    let Ok(mut commands) = file.macho_load_commands() else {
        return Ok(());
    };
    loop {
        match commands.next() {
            Ok(Some(command)) => match command.dyld_chained_fixups() {
                Ok(Some(command)) => chained = Some(command),
                Ok(None) => {}
                Err(_) => return Ok(()),
            },
            Ok(None) => break,
            Err(_) => return Ok(()),
        }
    }
    if let Some(command) = chained {
        let Ok(mut iter) = command
            .chained_fixups(endian, data)
            .and_then(|fixups| fixups.imports(endian))
        else {
            return Ok(());
        };
        while let Ok(Some(import)) = iter.next() {
            budget.entry(CHAINED)?;
            budget.name_bytes(import.name.len(), CHAINED)?;
            if import.dylib == macho::BIND_SPECIAL_DYLIB_SELF || import.name.is_empty() {
                continue;
            }
            let library = match import.dylib.index() {
                None => None,
                Some(index) => match libraries.get(index as usize) {
                    Some(library) => library.as_deref().filter(|l| !l.is_empty()),
                    // object ends the walk at an ordinal naming no dylib.
                    None => return Ok(()),
                },
            };
            let name = import.name.strip_prefix(b"_").unwrap_or(import.name);
            let name = String::from_utf8_lossy(name);
            if library.is_none() && defined.defines(&name) {
                continue;
            }
            if !imports.in_symbol_table(&name) {
                let library = match library {
                    Some(library) => Some(budget.copy(library, CHAINED)?),
                    None => None,
                };
                imports.add(budget.copy(&name, CHAINED)?, library, false);
            }
        }
        return Ok(());
    }
    let Ok(bound) = file.imports() else {
        return Ok(());
    };
    for import in bound.map_while(Result::ok) {
        budget.entry(BOUND)?;
        let Some(name) = import.name().into_name() else {
            continue;
        };
        budget.name_bytes(name.len(), BOUND)?;
        if name.is_empty() {
            continue;
        }
        let name = String::from_utf8_lossy(name.strip_prefix(b"_").unwrap_or(name));
        if imports.in_symbol_table(&name) {
            continue;
        }
        let library = match import.library() {
            [] if defined.defines(&name) => continue,
            [] => None,
            library => Some(budget.text(library, BOUND)?),
        };
        imports.add(budget.copy(&name, BOUND)?, library, false);
    }
    Ok(())
}

/// A slice's imports: one per name, from the symbol table when it has the
/// name, else from dyld's bind information; of several libraries for one
/// name, the first in sort order (none before any).
#[derive(Default)]
struct MachImports(BTreeMap<String, (Option<String>, bool)>);

impl MachImports {
    fn add(&mut self, name: String, library: Option<String>, from_symbol_table: bool) {
        match self.0.entry(name) {
            Entry::Vacant(entry) => {
                entry.insert((library, from_symbol_table));
            }
            Entry::Occupied(mut entry) => {
                let (kept, kept_from_symbol_table) = entry.get_mut();
                if from_symbol_table && !*kept_from_symbol_table {
                    *kept = library;
                    *kept_from_symbol_table = true;
                } else if from_symbol_table == *kept_from_symbol_table && library < *kept {
                    *kept = library;
                }
            }
        }
    }

    fn in_symbol_table(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|(_, from)| *from)
    }

    fn finish(self) -> Vec<Import> {
        self.0
            .into_iter()
            .map(|(name, (library, _))| Import {
                name,
                library,
                version: None,
            })
            .collect()
    }
}

/// 1..=n names a dylib; 0 (self), 0xfe (dynamic lookup) and 0xff
/// (the executable) name none.
fn library(
    libraries: &[Option<String>],
    ordinal: usize,
    budget: &mut Budget,
    table: &str,
) -> Result<Option<String>, BinaryError> {
    match ordinal {
        0 | 0xfe | 0xff => Ok(None),
        n => match libraries.get(n) {
            Some(Some(library)) => Ok(Some(budget.copy(library, table)?)),
            _ => Ok(None),
        },
    }
}

/// C compilers prefix every name with one underscore on Darwin.
fn c_name(name: &[u8], budget: &mut Budget, table: &str) -> Result<String, BinaryError> {
    budget.text(name.strip_prefix(b"_").unwrap_or(name), table)
}

fn arch(cputype: macho::CpuType) -> Arch {
    match cputype {
        macho::CPU_TYPE_X86_64 => Arch::X86_64,
        macho::CPU_TYPE_X86 => Arch::X86,
        macho::CPU_TYPE_ARM64 | macho::CPU_TYPE_ARM64_32 => Arch::Aarch64,
        macho::CPU_TYPE_ARM => Arch::Arm,
        macho::CPU_TYPE_POWERPC => Arch::PowerPc,
        macho::CPU_TYPE_POWERPC64 => Arch::PowerPc64,
        _ => Arch::Other,
    }
}

/// The file types dyld loads; the others are refused as unsupported.
const LOADABLE: [macho::FileType; 5] = [
    macho::MH_EXECUTE,
    macho::MH_DYLIB,
    macho::MH_BUNDLE,
    macho::MH_DYLINKER,
    macho::MH_KEXT_BUNDLE,
];

/// The Mach header of a thin file ([`crate::parse_headers`]).
pub(crate) fn parse_headers(source: &dyn Source) -> Result<Binary, BinaryError> {
    Ok(Binary {
        format: Format::Macho,
        slices: vec![thin_header(source, 0)?],
    })
}

/// The fat header and each slice's own Mach header, which says the slice's
/// architecture and type as the full parse reads them (dyld checks the
/// slice against the fat entry that chose it). A slice's header is where
/// the slice starts, so the slices before it are read through.
pub(crate) fn parse_fat_headers(
    source: &dyn Source,
    budget: &mut Budget,
) -> Result<Binary, BinaryError> {
    let data = Partial(source);
    if let Some(&[a, b, c, d]) = source.read(4, 4) {
        budget.slices(u32::from_be_bytes([a, b, c, d]))?;
    }
    let offsets: Vec<u64> = match source.read(3, 1) {
        Some([0xbf]) => MachOFatFile64::parse(data)
            .map_err(bad)?
            .arches()
            .iter()
            .map(|arch| arch.offset())
            .collect(),
        _ => MachOFatFile32::parse(data)
            .map_err(bad)?
            .arches()
            .iter()
            .map(|arch| arch.offset().into())
            .collect(),
    };
    if offsets.is_empty() {
        return Err(bad("universal file has no slices"));
    }
    let mut slices = Vec::new();
    for offset in offsets {
        budget.start_slice();
        let magic = source
            .read(offset, 8)
            .or_else(|| source.read(offset, 4))
            .unwrap_or_default();
        sniff::check_fat_slice(magic)?;
        slices.push(thin_header(source, offset)?);
    }
    Ok(Binary {
        format: Format::Macho,
        slices,
    })
}

fn thin_header(source: &dyn Source, offset: u64) -> Result<Slice, BinaryError> {
    // As in `thin`: the magic's last byte says 32 or 64 bit.
    match source.read(offset, 4) {
        Some([0xcf, ..] | [.., 0xcf]) => {
            header_slice::<macho::MachHeader64<Endianness>>(source, offset)
        }
        _ => header_slice::<macho::MachHeader32<Endianness>>(source, offset),
    }
}

fn header_slice<Mach: MachHeader<Endian = Endianness>>(
    source: &dyn Source,
    offset: u64,
) -> Result<Slice, BinaryError> {
    let header = Mach::parse(Partial(source), offset).map_err(bad)?;
    let endian = header.endian().map_err(bad)?;
    let filetype = header.filetype(endian);
    if !LOADABLE.contains(&filetype) {
        return Err(BinaryError::unsupported(Format::Macho, type_name(filetype)));
    }
    Ok(Slice {
        arch: arch(header.cputype(endian)),
        bits: if header.is_type_64() { 64 } else { 32 },
        is_shared_library: filetype == macho::MH_BUNDLE || filetype == macho::MH_DYLIB,
        symbols: Vec::new(),
        imports: Vec::new(),
        needed: Vec::new(),
        has_static_symbols: false,
    })
}

fn type_name(filetype: macho::FileType) -> String {
    match filetype {
        macho::MH_OBJECT => "object file".into(),
        macho::MH_CORE => "core dump".into(),
        macho::MH_DSYM => "debug symbols (dSYM)".into(),
        macho::MH_PRELOAD => "preloaded executable".into(),
        other => format!("filetype {:#x}", other.0),
    }
}
