//! Just enough of each format's headers, read straight from the bytes, to
//! know where the boundaries and the count and offset fields of a real file
//! are. Only the layouts of the test's sources are handled: ELF64 and
//! Mach-O 64 little-endian, fat Mach-O, PE32+.

use std::collections::BTreeMap;

pub fn u16le(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(data[at..at + 2].try_into().unwrap())
}
pub fn u32le(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(data[at..at + 4].try_into().unwrap())
}
pub fn u64le(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(data[at..at + 8].try_into().unwrap())
}
pub fn u32be(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
}

/// Boundaries of a file: offset -> what starts or ends there.
pub type Boundaries = BTreeMap<usize, String>;

fn mark(boundaries: &mut Boundaries, at: usize, what: impl Into<String>) {
    boundaries.entry(at).or_insert_with(|| what.into());
}

// ---------------------------------------------------------------- ELF

pub const SHT_SYMTAB: u32 = 2;
pub const SHT_NOBITS: u32 = 8;
pub const SHT_DYNSYM: u32 = 11;
pub const SHT_GNU_VERNEED: u32 = 0x6fff_fffe;
pub const SHT_GNU_VERSYM: u32 = 0x6fff_ffff;

pub const E_PHOFF: usize = 0x20;
pub const E_SHOFF: usize = 0x28;
pub const E_PHNUM: usize = 0x38;
pub const E_SHNUM: usize = 0x3c;
pub const E_SHSTRNDX: usize = 0x3e;
pub const SH_OFFSET: usize = 24;
pub const SH_SIZE: usize = 32;
pub const SH_LINK: usize = 40;
pub const P_FILESZ: usize = 32;

pub struct ElfSection {
    pub index: usize,
    pub name: String,
    /// Where its header is.
    pub header: usize,
    pub typ: u32,
    pub offset: usize,
    pub size: usize,
    pub link: u32,
}

pub struct Elf {
    pub phoff: usize,
    pub phnum: usize,
    pub phentsize: usize,
    pub shoff: usize,
    pub sections: Vec<ElfSection>,
}

impl Elf {
    pub fn read(data: &[u8]) -> Elf {
        assert_eq!(&data[..4], b"\x7fELF");
        assert_eq!(data[4], 2, "ELF64 only");
        assert_eq!(data[5], 1, "little-endian only");
        let phoff = u64le(data, E_PHOFF) as usize;
        let shoff = u64le(data, E_SHOFF) as usize;
        let phentsize = u16le(data, 0x36) as usize;
        let phnum = u16le(data, E_PHNUM) as usize;
        let shnum = u16le(data, E_SHNUM) as usize;
        let shstrndx = u16le(data, E_SHSTRNDX) as usize;
        let mut sections: Vec<ElfSection> = (0..shnum)
            .map(|index| {
                let header = shoff + index * 64;
                ElfSection {
                    index,
                    name: String::new(),
                    header,
                    typ: u32le(data, header + 4),
                    offset: u64le(data, header + SH_OFFSET) as usize,
                    size: u64le(data, header + SH_SIZE) as usize,
                    link: u32le(data, header + SH_LINK),
                }
            })
            .collect();
        let names = sections[shstrndx].offset;
        for section in &mut sections {
            let at = names + u32le(data, section.header) as usize;
            let end = at + data[at..].iter().position(|&b| b == 0).unwrap();
            section.name = String::from_utf8_lossy(&data[at..end]).into_owned();
        }
        Elf {
            phoff,
            phnum,
            phentsize,
            shoff,
            sections,
        }
    }

    pub fn section(&self, name: &str) -> Option<&ElfSection> {
        self.sections.iter().find(|s| s.name == name)
    }

    pub fn of_type(&self, typ: u32) -> Option<&ElfSection> {
        self.sections.iter().find(|s| s.typ == typ)
    }

    pub fn boundaries(&self) -> Boundaries {
        let mut b = Boundaries::new();
        mark(&mut b, 4, "ELF magic");
        mark(&mut b, 16, "e_ident");
        mark(&mut b, 64, "ELF header");
        mark(&mut b, self.phoff, "program header table start");
        for i in 0..self.phnum {
            mark(
                &mut b,
                self.phoff + (i + 1) * self.phentsize,
                format!("program header {i} end"),
            );
        }
        mark(&mut b, self.shoff, "section header table start");
        for s in &self.sections {
            mark(
                &mut b,
                s.header + 64,
                format!("section header {} ({}) end", s.index, s.name),
            );
            if s.typ != SHT_NOBITS && s.size != 0 {
                mark(&mut b, s.offset, format!("{} start", s.name));
                mark(&mut b, s.offset + s.size, format!("{} end", s.name));
            }
        }
        b
    }
}

// ---------------------------------------------------------------- Mach-O

pub const LC_SEGMENT_64: u32 = 0x19;
pub const LC_SYMTAB: u32 = 0x2;
pub const LC_DYLD_INFO_ONLY: u32 = 0x8000_0022;
pub const LC_FUNCTION_STARTS: u32 = 0x26;
pub const LC_DYLD_CHAINED_FIXUPS: u32 = 0x8000_0034;
pub const MH_NCMDS: usize = 16;
pub const MH_SIZEOFCMDS: usize = 20;

pub struct LoadCommand {
    pub index: usize,
    pub at: usize,
    pub cmd: u32,
    pub size: usize,
}

pub struct MachO {
    pub commands: Vec<LoadCommand>,
}

impl MachO {
    pub fn read(data: &[u8]) -> MachO {
        assert_eq!(
            u32le(data, 0),
            0xfeed_facf,
            "64-bit little-endian Mach-O only"
        );
        let ncmds = u32le(data, MH_NCMDS) as usize;
        let mut at = 32;
        let commands = (0..ncmds)
            .map(|index| {
                let command = LoadCommand {
                    index,
                    at,
                    cmd: u32le(data, at),
                    size: u32le(data, at + 4) as usize,
                };
                at += command.size;
                command
            })
            .collect();
        MachO { commands }
    }

    pub fn command(&self, cmd: u32) -> Option<&LoadCommand> {
        self.commands.iter().find(|c| c.cmd == cmd)
    }

    pub fn boundaries(&self, data: &[u8]) -> Boundaries {
        let mut b = Boundaries::new();
        mark(&mut b, 4, "Mach-O magic");
        mark(&mut b, 32, "Mach-O header");
        for c in &self.commands {
            mark(
                &mut b,
                c.at + 8,
                format!("load command {} ({:#x}) header", c.index, c.cmd),
            );
            mark(
                &mut b,
                c.at + c.size,
                format!("load command {} ({:#x}) end", c.index, c.cmd),
            );
            let range = |b: &mut Boundaries, off: usize, size: usize, what: &str| {
                if size != 0 {
                    mark(b, off, format!("{what} start"));
                    mark(b, off + size, format!("{what} end"));
                }
            };
            match c.cmd {
                LC_SYMTAB => {
                    let (symoff, nsyms) = (u32le(data, c.at + 8), u32le(data, c.at + 12));
                    let (stroff, strsize) = (u32le(data, c.at + 16), u32le(data, c.at + 20));
                    range(&mut b, symoff as usize, nsyms as usize * 16, "nlist table");
                    range(&mut b, stroff as usize, strsize as usize, "string table");
                }
                LC_DYLD_INFO_ONLY => {
                    for (field, what) in [
                        (16, "bind info"),
                        (32, "lazy bind info"),
                        (40, "export trie"),
                    ] {
                        let off = u32le(data, c.at + field) as usize;
                        let size = u32le(data, c.at + field + 4) as usize;
                        range(&mut b, off, size, what);
                    }
                }
                LC_SEGMENT_64 => {
                    let name = String::from_utf8_lossy(&data[c.at + 8..c.at + 24])
                        .trim_end_matches('\0')
                        .to_string();
                    let (fileoff, filesize) = (u64le(data, c.at + 40), u64le(data, c.at + 48));
                    range(&mut b, fileoff as usize, filesize as usize, &name);
                    let nsects = u32le(data, c.at + 64) as usize;
                    for i in 0..nsects {
                        let s = c.at + 72 + i * 80;
                        let (size, offset) = (u64le(data, s + 40), u32le(data, s + 48));
                        if offset != 0 {
                            range(
                                &mut b,
                                offset as usize,
                                size as usize,
                                &format!("{name} section {i}"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        b
    }
}

// ---------------------------------------------------------------- fat Mach-O

pub struct FatArch {
    pub at: usize,
    pub offset: usize,
    pub size: usize,
}

pub fn fat_arches(data: &[u8]) -> Vec<FatArch> {
    assert_eq!(u32be(data, 0), 0xcafe_babe);
    (0..u32be(data, 4) as usize)
        .map(|i| {
            let at = 8 + i * 20;
            FatArch {
                at,
                offset: u32be(data, at + 8) as usize,
                size: u32be(data, at + 12) as usize,
            }
        })
        .collect()
}

pub fn fat_boundaries(data: &[u8]) -> Boundaries {
    let mut b = Boundaries::new();
    mark(&mut b, 4, "fat magic");
    mark(&mut b, 8, "fat header");
    for (i, arch) in fat_arches(data).iter().enumerate() {
        mark(&mut b, arch.at + 20, format!("fat arch {i} end"));
        let slice = &data[arch.offset..arch.offset + arch.size];
        for (at, what) in MachO::read(slice).boundaries(slice) {
            mark(&mut b, arch.offset + at, format!("slice {i}: {what}"));
        }
        mark(&mut b, arch.offset + arch.size, format!("slice {i} end"));
    }
    b
}

/// A universal file of `slices`, each aligned to 4 KiB.
pub fn assemble_fat(slices: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut headers = Vec::new();
    let mut body = Vec::new();
    let start = (8 + 20 * slices.len()).next_multiple_of(4096);
    for &(cputype, cpusubtype, slice) in slices {
        let offset = start + body.len();
        for word in [cputype, cpusubtype, offset as u32, slice.len() as u32, 12] {
            headers.extend_from_slice(&word.to_be_bytes());
        }
        body.extend_from_slice(slice);
        body.resize(body.len().next_multiple_of(4096), 0);
    }
    let mut data = Vec::new();
    data.extend_from_slice(&0xcafe_babe_u32.to_be_bytes());
    data.extend_from_slice(&(slices.len() as u32).to_be_bytes());
    data.extend_from_slice(&headers);
    data.resize(start, 0);
    data.extend_from_slice(&body);
    data
}

// ---------------------------------------------------------------- PE

pub const COFF_NUMBER_OF_SECTIONS: usize = 2;
pub const COFF_POINTER_TO_SYMBOL_TABLE: usize = 8;
pub const COFF_NUMBER_OF_SYMBOLS: usize = 12;

pub struct PeSection {
    pub index: usize,
    pub header: usize,
    pub virtual_size: u32,
    pub virtual_address: u32,
    pub raw_size: u32,
    pub raw_pointer: u32,
}

pub struct Pe {
    pub lfanew: usize,
    /// COFF file header.
    pub coff: usize,
    /// Optional header.
    pub optional: usize,
    pub optional_size: usize,
    /// Data directory 0.
    pub directories: usize,
    pub directory_count: usize,
    pub sections: Vec<PeSection>,
    pub symbols: usize,
    pub symbol_count: usize,
}

impl Pe {
    pub fn read(data: &[u8]) -> Pe {
        let lfanew = u32le(data, 0x3c) as usize;
        assert_eq!(&data[lfanew..lfanew + 4], b"PE\0\0");
        let coff = lfanew + 4;
        let optional = coff + 20;
        assert_eq!(u16le(data, optional), 0x20b, "PE32+ only");
        let optional_size = u16le(data, coff + 16) as usize;
        let table = optional + optional_size;
        let sections = (0..u16le(data, coff + COFF_NUMBER_OF_SECTIONS) as usize)
            .map(|index| {
                let header = table + index * 40;
                PeSection {
                    index,
                    header,
                    virtual_size: u32le(data, header + 8),
                    virtual_address: u32le(data, header + 12),
                    raw_size: u32le(data, header + 16),
                    raw_pointer: u32le(data, header + 20),
                }
            })
            .collect();
        Pe {
            lfanew,
            coff,
            optional,
            optional_size,
            directories: optional + 112,
            directory_count: u32le(data, optional + 108) as usize,
            sections,
            symbols: u32le(data, coff + COFF_POINTER_TO_SYMBOL_TABLE) as usize,
            symbol_count: u32le(data, coff + COFF_NUMBER_OF_SYMBOLS) as usize,
        }
    }

    /// The file offset of data directory `index`'s (RVA, size) pair.
    pub fn directory(&self, index: usize) -> usize {
        self.directories + index * 8
    }

    pub fn offset_of(&self, rva: u32) -> Option<usize> {
        self.sections.iter().find_map(|s| {
            (rva >= s.virtual_address && rva < s.virtual_address + s.raw_size.max(s.virtual_size))
                .then(|| (rva - s.virtual_address + s.raw_pointer) as usize)
        })
    }

    pub fn boundaries(&self, data: &[u8]) -> Boundaries {
        let mut b = Boundaries::new();
        mark(&mut b, 2, "MZ");
        mark(&mut b, 0x3c, "DOS header before e_lfanew");
        mark(&mut b, 0x40, "DOS header");
        mark(&mut b, self.lfanew, "PE signature start");
        mark(&mut b, self.coff, "COFF header start");
        mark(&mut b, self.optional, "optional header start");
        mark(&mut b, self.directories, "data directories start");
        for i in 0..self.directory_count.min(16) {
            mark(
                &mut b,
                self.directory(i) + 8,
                format!("data directory {i} end"),
            );
            let (rva, size) = (
                u32le(data, self.directory(i)),
                u32le(data, self.directory(i) + 4),
            );
            if let Some(at) = self.offset_of(rva).filter(|_| size != 0) {
                mark(&mut b, at, format!("data directory {i} contents start"));
                mark(
                    &mut b,
                    at + size as usize,
                    format!("data directory {i} contents end"),
                );
            }
        }
        mark(
            &mut b,
            self.optional + self.optional_size,
            "section table start",
        );
        for s in &self.sections {
            mark(
                &mut b,
                s.header + 40,
                format!("section header {} end", s.index),
            );
            mark(
                &mut b,
                s.raw_pointer as usize,
                format!("section {} data start", s.index),
            );
            mark(
                &mut b,
                (s.raw_pointer + s.raw_size) as usize,
                format!("section {} data end", s.index),
            );
        }
        if self.symbols != 0 {
            let strings = self.symbols + self.symbol_count * 18;
            mark(&mut b, self.symbols, "COFF symbol table start");
            mark(&mut b, strings, "COFF string table start");
            mark(&mut b, strings + 4, "COFF string table size");
        }
        b
    }
}
