//! Mach-O, thin and universal. The symbol table is the primary source;
//! the export trie and chained fixups / dyld bind info (what dyld reads)
//! add names the symbol table may lack.

use object::macho;
use object::read::macho::{FatArch, MachHeader, MachOFatFile32, MachOFatFile64, MachOFile, Nlist};
use object::{Endianness, Object};

use crate::error::BinaryError;
use crate::model::{Arch, Binary, Format, Import, Reach, Slice, Symbol};
use crate::{finish_imports, finish_symbols, sniff, text};

pub(crate) fn parse(data: &[u8]) -> Result<Binary, BinaryError> {
    Ok(Binary {
        format: Format::Macho,
        slices: vec![thin(data)?],
    })
}

pub(crate) fn parse_fat(data: &[u8]) -> Result<Binary, BinaryError> {
    let bad = |e: object::Error| BinaryError::malformed(Format::Macho, e);
    let slices = match data.get(3) {
        Some(0xbf) => slices(MachOFatFile64::parse(data).map_err(bad)?.arches(), data)?,
        _ => slices(MachOFatFile32::parse(data).map_err(bad)?.arches(), data)?,
    };
    if slices.is_empty() {
        return Err(BinaryError::malformed(
            Format::Macho,
            "universal file has no slices",
        ));
    }
    Ok(Binary {
        format: Format::Macho,
        slices,
    })
}

fn slices<A: FatArch>(arches: &[A], data: &[u8]) -> Result<Vec<Slice>, BinaryError> {
    arches
        .iter()
        .map(|arch| {
            let bytes = arch
                .data(data)
                .map_err(|e| BinaryError::malformed(Format::Macho, e))?;
            sniff::check_fat_slice(bytes)?;
            thin(bytes)
        })
        .collect()
}

fn thin(data: &[u8]) -> Result<Slice, BinaryError> {
    // The magic's last byte (either order) says 32 (ce) or 64 (cf) bit.
    match data.get(..4) {
        Some([0xcf, ..] | [.., 0xcf]) => image::<macho::MachHeader64<Endianness>>(data),
        _ => image::<macho::MachHeader32<Endianness>>(data),
    }
}

fn image<Mach: MachHeader<Endian = Endianness>>(data: &[u8]) -> Result<Slice, BinaryError> {
    let bad = |e: object::Error| BinaryError::malformed(Format::Macho, e);
    let file = MachOFile::<Mach>::parse(data).map_err(bad)?;
    let endian = file.endian();
    let header = file.macho_header();
    let filetype = header.filetype(endian);
    let loadable = [
        macho::MH_EXECUTE,
        macho::MH_DYLIB,
        macho::MH_BUNDLE,
        macho::MH_DYLINKER,
        macho::MH_KEXT_BUNDLE,
    ];
    if !loadable.contains(&filetype) {
        return Err(BinaryError::unsupported(Format::Macho, type_name(filetype)));
    }

    // Index = library ordinal; 0 is the image itself.
    let mut libraries = vec![None];
    let mut needed = Vec::new();
    for library in file.import_libraries().map_err(bad)? {
        let name = text(library.map_err(bad)?.name());
        libraries.push(Some(name.clone()));
        needed.push(name);
    }
    let twolevel = header.flags(endian).contains(macho::MH_TWOLEVEL);

    let table = file.macho_symbol_table();
    let mut symbols = Vec::new();
    let mut imports = Vec::new();
    let mut has_static_symbols = false;
    for nlist in table.symbols() {
        let n_type = nlist.n_type();
        if n_type.is_stab() {
            continue;
        }
        let name = nlist.name(endian, table.strings()).map_err(bad)?;
        if name.is_empty() {
            continue;
        }
        let name = c_name(name);
        match n_type.typ() {
            // A nonzero value marks a common symbol, not a reference.
            macho::N_UNDF if nlist.n_value(endian).into() == 0 => {
                let ordinal = nlist.n_desc(endian).library().0;
                let library = match twolevel {
                    true => library(&libraries, ordinal.into()),
                    false => None,
                };
                imports.push(Import {
                    name,
                    library,
                    version: None,
                });
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
                symbols.push(Symbol { name, reach });
            }
        }
    }

    // Supplementary sources are best effort: the symbol table has already
    // given every name, so a part object cannot decode is no reason to fail.
    if let Ok(exports) = file.exports() {
        for export in exports.map_while(Result::ok) {
            if let Some(name) = export.name().into_name() {
                symbols.push(Symbol {
                    name: c_name(name),
                    reach: Reach::Exported,
                });
            }
        }
    }
    if let Ok(bound) = file.imports() {
        let known: std::collections::HashSet<String> =
            imports.iter().map(|i| i.name.clone()).collect();
        for import in bound.map_while(Result::ok) {
            let Some(name) = import.name().into_name().map(c_name) else {
                continue;
            };
            if known.contains(&name) {
                continue;
            }
            let library = Some(import.library()).filter(|l| !l.is_empty()).map(text);
            imports.push(Import {
                name,
                library,
                version: None,
            });
        }
    }
    let mut imports = finish_imports(imports);
    imports.dedup_by(|later, first| later.name == first.name);

    Ok(Slice {
        arch: arch(header.cputype(endian)),
        bits: if file.is_64() { 64 } else { 32 },
        is_shared_library: filetype == macho::MH_BUNDLE || filetype == macho::MH_DYLIB,
        symbols: finish_symbols(symbols),
        imports,
        needed,
        has_static_symbols,
    })
}

/// 1..=n names a dylib; 0 (self), 0xfe (dynamic lookup) and 0xff
/// (the executable) name none.
fn library(libraries: &[Option<String>], ordinal: usize) -> Option<String> {
    match ordinal {
        0 | 0xfe | 0xff => None,
        n => libraries.get(n).cloned().flatten(),
    }
}

/// C compilers prefix every name with one underscore on Darwin.
fn c_name(name: &[u8]) -> String {
    text(name.strip_prefix(b"_").unwrap_or(name))
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

fn type_name(filetype: macho::FileType) -> String {
    match filetype {
        macho::MH_OBJECT => "object file".into(),
        macho::MH_CORE => "core dump".into(),
        macho::MH_DSYM => "debug symbols (dSYM)".into(),
        macho::MH_PRELOAD => "preloaded executable".into(),
        other => format!("filetype {:#x}", other.0),
    }
}
