//! One mapped ELF file, ready to name addresses: where its segments lie, its
//! DWARF (its own, or a separate debug file's) and its symbol table.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};
use std::rc::Rc;

use object::{Object, ObjectSection, ObjectSegment, SymbolMap, SymbolMapEntry};

/// Where distributions install separate debug files.
pub const DEBUG_ROOT: &str = "/usr/lib/debug";
/// A shared library with its DWARF is tens of MiB; past this a file is not
/// worth reading for one stack trace.
const MAX_FILE: u64 = 1 << 30;
/// Inlined frames named for one address, innermost first.
const MAX_INLINED: usize = 16;

type Reader = gimli::EndianRcSlice<gimli::RunTimeEndian>;

pub struct Library {
    segments: Vec<Segment>,
    dwarf: Option<addr2line::Context<Reader>>,
    symbols: SymbolMap<Symbol>,
}

/// A `PT_LOAD` segment: file bytes `offset..offset + size` are mapped at
/// the virtual address `address` (plus the load bias).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub offset: u64,
    pub size: u64,
    pub address: u64,
}

struct Symbol {
    address: u64,
    size: u64,
    name: String,
}

impl SymbolMapEntry for Symbol {
    fn address(&self) -> u64 {
        self.address
    }
    fn size(&self) -> u64 {
        self.size
    }
}

/// What one address is, innermost inlined function first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    pub function: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
}

impl Library {
    /// `None` when the file cannot be read or is not an object file; the
    /// frames in it then keep only their library and address.
    pub fn load(path: &Path, debug_root: &Path) -> Option<Library> {
        let data = read_capped(path)?;
        let file = object::File::parse(&*data).ok()?;
        let segments = file
            .segments()
            .map(|s| {
                let (offset, size) = s.file_range();
                Segment {
                    offset,
                    size,
                    address: s.address(),
                }
            })
            .collect();
        let separate = if has_dwarf(&file) {
            None
        } else {
            find_debug_file(path, &file, debug_root)
        };
        let separate = separate
            .as_deref()
            .and_then(|d| object::File::parse(d).ok());
        let dwarf_file = separate.as_ref().filter(|f| has_dwarf(f)).unwrap_or(&file);
        // A stripped file keeps only `.dynsym`; its debug file has the full table.
        let symbol_file = match &separate {
            Some(s) if file.symbol_table().is_none() && s.symbol_table().is_some() => s,
            _ => &file,
        };
        Some(Library {
            segments,
            dwarf: has_dwarf(dwarf_file)
                .then(|| load_dwarf(dwarf_file))
                .flatten(),
            symbols: symbols(symbol_file),
        })
    }

    /// The virtual address (as the file's headers and DWARF number them) of
    /// the byte at `offset` in the file.
    pub fn address_of(&self, offset: u64) -> Option<u64> {
        address_of(&self.segments, offset)
    }

    /// Names `address`: function, file and line from DWARF, inlined frames
    /// included, else the function from the symbol table.
    pub fn resolve(&self, address: u64) -> Vec<Resolved> {
        let mut found = Vec::new();
        if let Some(dwarf) = &self.dwarf
            && let Ok(mut frames) = dwarf.find_frames(address).skip_all_loads()
        {
            while found.len() < MAX_INLINED
                && let Ok(Some(frame)) = frames.next()
            {
                let location = frame.location.as_ref();
                found.push(Resolved {
                    function: frame
                        .function
                        .as_ref()
                        .and_then(|f| f.demangle().ok())
                        .map(Cow::into_owned),
                    file: location.and_then(|l| l.file).map(str::to_string),
                    line: location.and_then(|l| l.line),
                });
            }
        }
        // Code without a DWARF subprogram (assembly, a unit built without
        // -g) still has a symbol; the outermost frame is the real function.
        let symbol = || {
            self.symbols
                .containing(address)
                .map(|s| addr2line::demangle_auto(Cow::Borrowed(&s.name), None).into_owned())
        };
        match found.last_mut() {
            Some(outer) if outer.function.is_none() => outer.function = symbol(),
            Some(_) => {}
            None => found.extend(symbol().map(|function| Resolved {
                function: Some(function),
                ..Resolved::default()
            })),
        }
        found
    }
}

pub fn address_of(segments: &[Segment], offset: u64) -> Option<u64> {
    segments
        .iter()
        .find(|s| s.offset <= offset && offset - s.offset < s.size)
        .and_then(|s| s.address.checked_add(offset - s.offset))
}

fn read_capped(path: &Path) -> Option<Vec<u8>> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    // An empty length is a pseudo-file (/proc) or nothing worth reading.
    if !meta.is_file() || meta.len() == 0 || meta.len() > MAX_FILE {
        return None;
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE).read_to_end(&mut data).ok()?;
    Some(data)
}

fn has_dwarf(file: &object::File) -> bool {
    file.section_by_name(".debug_info")
        .is_some_and(|s| s.kind() != object::SectionKind::UninitializedData && s.size() > 0)
}

/// The separate debug file, found as GDB finds it: by build ID under
/// `debug_root/.build-id/`, then by `.gnu_debuglink` next to the file, in
/// its `.debug/` directory, and under `debug_root` plus the file's directory.
/// A candidate counts only when its build ID, or its CRC, matches.
fn find_debug_file(path: &Path, file: &object::File, debug_root: &Path) -> Option<Vec<u8>> {
    if let Ok(Some(id)) = file.build_id()
        && id.len() >= 2
    {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let candidate = debug_root
            .join(".build-id")
            .join(&hex[..2])
            .join(format!("{}.debug", &hex[2..]));
        if let Some(data) = read_capped(&candidate)
            && object::File::parse(&*data)
                .ok()
                .and_then(|f| f.build_id().ok().flatten())
                == Some(id)
        {
            return Some(data);
        }
    }
    let (name, crc) = file.gnu_debuglink().ok()??;
    let name = Path::new(OsStr::from_bytes(name));
    // A bare file name: the link must not lead out of the search directories.
    if !matches!(
        name.components().collect::<Vec<_>>()[..],
        [Component::Normal(_)]
    ) {
        return None;
    }
    let dir = path.parent()?;
    let under_root = debug_root.join(dir.strip_prefix("/").unwrap_or(dir));
    [
        dir.join(name),
        dir.join(".debug").join(name),
        under_root.join(name),
    ]
    .into_iter()
    .filter(|candidate| candidate != path)
    .filter_map(|candidate| read_capped(&candidate))
    .find(|data| crc32fast::hash(data) == crc)
}

fn load_dwarf(file: &object::File) -> Option<addr2line::Context<Reader>> {
    let endian = if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let load = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
        // Variable locations are of no use for naming frames, and large.
        let wanted = !matches!(
            id,
            gimli::SectionId::DebugLoc | gimli::SectionId::DebugLocLists
        );
        let data = match file.section_by_name(id.name()) {
            Some(section) if wanted => section.uncompressed_data().unwrap_or_default(),
            _ => Cow::Borrowed(&[][..]),
        };
        Ok(Reader::new(Rc::from(&*data), endian))
    };
    let dwarf = gimli::Dwarf::load(load).ok()?;
    addr2line::Context::from_dwarf(dwarf).ok()
}

fn symbols(file: &object::File) -> SymbolMap<Symbol> {
    let entries = file
        .symbol_map()
        .symbols()
        .iter()
        .map(|s| Symbol {
            address: s.address(),
            size: s.size(),
            name: s.name().to_string(),
        })
        .collect();
    SymbolMap::new(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_offsets_become_addresses_through_the_load_segments() {
        // As a typical shared object: text one page in, data after a gap
        // whose address is not its offset.
        let segments = [
            Segment {
                offset: 0,
                size: 0x1000,
                address: 0,
            },
            Segment {
                offset: 0x1000,
                size: 0x2000,
                address: 0x1000,
            },
            Segment {
                offset: 0x3df0,
                size: 0x230,
                address: 0x4df0,
            },
        ];
        assert_eq!(address_of(&segments, 0x1234), Some(0x1234));
        assert_eq!(address_of(&segments, 0x3e00), Some(0x4e00));
        assert_eq!(address_of(&segments, 0x3000), None);
        assert_eq!(address_of(&segments, 0x4020), None);
        assert_eq!(address_of(&[], 0), None);
    }

    #[test]
    fn what_cannot_be_read_is_no_library() {
        use std::fs;
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("not-elf.so");
        fs::write(&text, b"not an object file").expect("write");
        assert!(Library::load(&text, dir.path()).is_none());
        assert!(Library::load(&dir.path().join("missing.so"), dir.path()).is_none());
        assert!(Library::load(dir.path(), dir.path()).is_none());
    }
}
