//! The malformed corpus: every case is a real file with one thing broken,
//! found from the file's own headers (see `layout`), and named so that a
//! failure says which file, which family and which field.

use std::fmt::Display;

use binary::Format;

use super::layout::*;

/// What a case must give besides "no panic, bounded memory".
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// `Ok` (a partial view) or a one-line error naming the format.
    Any,
    /// `BinaryError::Limit` whose detail contains this.
    Limit(&'static str),
    /// `Ok` with this many slices.
    Slices(usize),
    /// `Ok`: a part that cannot be decoded is skipped (a Mach-O export trie
    /// only adds to the symbol table).
    View,
}

pub const SLICES: &str = "slices, more than 64";
pub const ENTRIES: &str = "table entries in one image";
pub const NAMES: &str = "MiB of names";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Elf,
    MachO,
    Fat,
    Pe,
}

pub struct Source {
    pub label: String,
    pub kind: Kind,
    pub data: Vec<u8>,
}

impl Source {
    pub fn format(&self) -> Format {
        match self.kind {
            Kind::Elf => Format::Elf,
            Kind::MachO | Kind::Fat => Format::Macho,
            Kind::Pe => Format::Pe,
        }
    }

    /// Bytes of magic that make the sniffer name the format.
    pub fn magic_len(&self) -> usize {
        match self.kind {
            Kind::Elf | Kind::MachO => 4,
            Kind::Fat => 8,
            Kind::Pe => 2,
        }
    }

    /// Where the headers say something starts or ends.
    pub fn boundaries(&self) -> Boundaries {
        let data = &self.data;
        match self.kind {
            Kind::Elf => Elf::read(data).boundaries(),
            Kind::MachO => MachO::read(data).boundaries(data),
            Kind::Fat => fat_boundaries(data),
            Kind::Pe => Pe::read(data).boundaries(data),
        }
    }
}

pub struct Case {
    pub family: &'static str,
    pub name: String,
    pub format: Format,
    pub magic_len: usize,
    pub data: Vec<u8>,
    pub expect: Expect,
    /// Designed to make the view hold up to `MAX_NAME_BYTES` of distinct
    /// names, so held to the limit-derived memory bound, not the tight one.
    pub heavy: bool,
}

pub const TRUNCATION: &str = "truncation";
pub const PAST_END: &str = "count-or-offset-past-end";
pub const HUGE_SIZE: &str = "4GiB-declared-size";
pub const CYCLIC: &str = "cyclic-or-overlapping";
pub const FAT: &str = "fat-slice-count";
pub const NAME_BYTES: &str = "unterminated-names";

#[derive(Default)]
pub struct Corpus {
    pub cases: Vec<Case>,
}

impl Corpus {
    fn push(
        &mut self,
        family: &'static str,
        source: &Source,
        name: impl Display,
        data: Vec<u8>,
        expect: Expect,
        heavy: bool,
    ) {
        self.cases.push(Case {
            family,
            name: format!("{}: {name}", source.label),
            format: source.format(),
            magic_len: source.magic_len(),
            data,
            expect,
            heavy,
        });
    }

    fn any(&mut self, family: &'static str, source: &Source, name: impl Display, data: Vec<u8>) {
        self.push(family, source, name, data, Expect::Any, false);
    }

    fn limit(
        &mut self,
        family: &'static str,
        source: &Source,
        name: impl Display,
        data: Vec<u8>,
        limit: &'static str,
    ) {
        self.push(family, source, name, data, Expect::Limit(limit), false);
    }
}

/// The cases made from the sources of one kind (a universal file's also
/// uses the thin Mach-O sources).
pub fn build(sources: &[Source], kind: Kind) -> Corpus {
    let mut corpus = Corpus::default();
    for source in sources.iter().filter(|s| s.kind == kind) {
        truncations(&mut corpus, source);
        match source.kind {
            Kind::Elf => elf(&mut corpus, source),
            Kind::MachO => macho(&mut corpus, source),
            Kind::Fat => fat(&mut corpus, source, sources),
            Kind::Pe => pe(&mut corpus, source),
        }
    }
    corpus
}

// ---------------------------------------------------------------- edits

fn put(data: &mut [u8], at: usize, bytes: &[u8]) {
    data[at..at + bytes.len()].copy_from_slice(bytes);
}

fn with(data: &[u8], edits: &[(usize, &[u8])]) -> Vec<u8> {
    let mut copy = data.to_vec();
    for (at, bytes) in edits {
        put(&mut copy, *at, bytes);
    }
    copy
}

fn set16(data: &[u8], at: usize, value: u16) -> Vec<u8> {
    with(data, &[(at, &value.to_le_bytes())])
}
fn set32(data: &[u8], at: usize, value: u32) -> Vec<u8> {
    with(data, &[(at, &value.to_le_bytes())])
}
fn set64(data: &[u8], at: usize, value: u64) -> Vec<u8> {
    with(data, &[(at, &value.to_le_bytes())])
}
fn set32be(data: &[u8], at: usize, value: u32) -> Vec<u8> {
    with(data, &[(at, &value.to_be_bytes())])
}

/// Appends `bytes` aligned to `align`; returns the new file and where they start.
fn append(data: &[u8], align: usize, bytes: &[u8]) -> (Vec<u8>, usize) {
    let mut out = data.to_vec();
    out.resize(out.len().next_multiple_of(align), 0);
    let at = out.len();
    out.extend_from_slice(bytes);
    (out, at)
}

/// A string table of `len` bytes of `A` with one NUL at the very end: every
/// name that starts in it runs to its end.
fn unterminated(len: usize) -> Vec<u8> {
    let mut strings = vec![b'A'; len];
    strings.push(0);
    strings
}

/// Long names repeated: 8192 names of 64 KiB each is 512 MiB, twice the limit.
const MANY: usize = 8192;
const LONG: usize = 64 * 1024;

// ---------------------------------------------------------------- truncations

fn truncations(corpus: &mut Corpus, source: &Source) {
    let len = source.data.len();
    let mut cuts = std::collections::BTreeMap::new();
    for (at, what) in source.boundaries() {
        for (cut, side) in [(at.wrapping_sub(1), " - 1"), (at, ""), (at + 1, " + 1")] {
            if cut > 0 && cut < len {
                cuts.entry(cut).or_insert_with(|| format!("{what}{side}"));
            }
        }
    }
    for (cut, what) in cuts {
        corpus.any(
            TRUNCATION,
            source,
            format!("cut at {cut} ({what})"),
            source.data[..cut].to_vec(),
        );
    }
}

// ---------------------------------------------------------------- ELF

fn elf(corpus: &mut Corpus, source: &Source) {
    let data = &source.data[..];
    let len = data.len() as u64;
    let layout = Elf::read(data);
    let shnum = layout.sections.len() as u16;

    for value in [len, len - 1, len - 32, 0xffff_ffff, u64::MAX, u64::MAX - 63] {
        corpus.any(
            PAST_END,
            source,
            format!("e_shoff = {value:#x}"),
            set64(data, E_SHOFF, value),
        );
        corpus.any(
            PAST_END,
            source,
            format!("e_phoff = {value:#x}"),
            set64(data, E_PHOFF, value),
        );
    }
    for value in [0xffff, shnum + 1, 0] {
        corpus.any(
            PAST_END,
            source,
            format!("e_shnum = {value}"),
            set16(data, E_SHNUM, value),
        );
    }
    for value in [0xffff, layout.phnum as u16 + 1] {
        corpus.any(
            PAST_END,
            source,
            format!("e_phnum = {value}"),
            set16(data, E_PHNUM, value),
        );
    }
    for value in [0xffff, shnum, 0xfeff] {
        let name = format!("e_shstrndx = {value:#x}");
        corpus.any(PAST_END, source, name, set16(data, E_SHSTRNDX, value));
    }
    let tables = [
        ".dynsym",
        ".dynstr",
        ".symtab",
        ".strtab",
        ".gnu.version",
        ".gnu.version_r",
        ".dynamic",
        ".shstrtab",
    ];
    for section in tables.iter().filter_map(|name| layout.section(name)) {
        let name = &section.name;
        let at = section.header;
        for value in [len, len - 1, 0xffff_ffff, u64::MAX] {
            let case = format!("{name} sh_offset = {value:#x}");
            corpus.any(PAST_END, source, case, set64(data, at + SH_OFFSET, value));
        }
        for value in [len - section.offset as u64 + 1, len] {
            let case = format!("{name} sh_size = {value:#x}");
            corpus.any(PAST_END, source, case, set64(data, at + SH_SIZE, value));
        }
    }

    for section in &layout.sections {
        for value in [0xffff_ffff, 0x1_0000_0000, u64::MAX] {
            let case = format!(
                "section {} ({}) sh_size = {value:#x}",
                section.index, section.name
            );
            corpus.any(
                HUGE_SIZE,
                source,
                case,
                set64(data, section.header + SH_SIZE, value),
            );
        }
    }
    for i in 0..layout.phnum {
        let at = layout.phoff + i * layout.phentsize;
        for (field, value) in [
            (P_FILESZ, 0xffff_ffff),
            (P_FILESZ, u64::MAX),
            (40, u64::MAX),
        ] {
            let what = if field == P_FILESZ {
                "p_filesz"
            } else {
                "p_memsz"
            };
            let case = format!("program header {i} {what} = {value:#x}");
            corpus.any(HUGE_SIZE, source, case, set64(data, at + field, value));
        }
    }

    elf_links(corpus, source, &layout);
    elf_versions(corpus, source, &layout);
    elf_names(corpus, source, &layout);
}

/// `sh_link` cycles and tables laid over one another.
fn elf_links(corpus: &mut Corpus, source: &Source, layout: &Elf) {
    let data = &source.data[..];
    let link = |s: &ElfSection, to: u32| set32(data, s.header + SH_LINK, to);
    for section in layout.sections.iter().filter(|s| {
        matches!(
            s.typ,
            SHT_DYNSYM | SHT_SYMTAB | SHT_GNU_VERSYM | SHT_GNU_VERNEED
        )
    }) {
        let name = &section.name;
        let own = section.index as u32;
        corpus.any(
            CYCLIC,
            source,
            format!("{name} sh_link to itself"),
            link(section, own),
        );
        corpus.any(
            CYCLIC,
            source,
            format!("{name} sh_link = 0xffffffff"),
            link(section, u32::MAX),
        );
        let past = layout.sections.len() as u32;
        corpus.any(
            CYCLIC,
            source,
            format!("{name} sh_link past the table"),
            link(section, past),
        );
        // A cycle through the linked table: A -> B -> A.
        if let Some(target) = layout.sections.get(section.link as usize) {
            let mut both = link(section, section.link);
            put(&mut both, target.header + SH_LINK, &own.to_le_bytes());
            let case = format!("{name} <-> {} sh_link cycle", target.name);
            corpus.any(CYCLIC, source, case, both);
        }
    }
    let pairs = [
        (".dynstr", ".dynsym"),
        (".dynsym", ".dynstr"),
        (".symtab", ".dynsym"),
        (".strtab", ".symtab"),
        (".dynsym", ".symtab"),
        (".gnu.version_r", ".dynsym"),
        (".gnu.version", ".gnu.version_r"),
    ];
    for (moved, onto) in pairs {
        let (Some(moved), Some(onto)) = (layout.section(moved), layout.section(onto)) else {
            continue;
        };
        for shift in [0u64, 1, 8] {
            let mut copy = set64(data, moved.header + SH_OFFSET, onto.offset as u64 + shift);
            let size = if moved.typ == SHT_DYNSYM || moved.typ == SHT_SYMTAB {
                onto.size as u64 / 24 * 24
            } else {
                onto.size as u64
            };
            put(&mut copy, moved.header + SH_SIZE, &size.to_le_bytes());
            let case = format!("{} laid over {} + {shift}", moved.name, onto.name);
            corpus.any(CYCLIC, source, case, copy);
        }
    }
    corpus.any(
        CYCLIC,
        source,
        "section headers over the ELF header",
        set64(data, E_SHOFF, 0),
    );
    let phoff = layout.phoff as u64;
    corpus.any(
        CYCLIC,
        source,
        "section headers over the program headers",
        set64(data, E_SHOFF, phoff),
    );
}

/// The GNU version tables (only the lib-dynload source has them): records
/// that chain to themselves, overlap, or point nowhere.
fn elf_versions(corpus: &mut Corpus, source: &Source, layout: &Elf) {
    let data = &source.data[..];
    let Some(verneed) = layout.of_type(SHT_GNU_VERNEED) else {
        return;
    };
    let need = verneed.offset;
    let aux = need + u32le(data, need + 8) as usize;
    let edits: [(&str, usize, &[u8]); 9] = [
        ("vn_cnt = 0xffff, vna_next = 0", need + 2, &[0xff, 0xff]),
        ("vn_next = 1", need + 12, &1u32.to_le_bytes()),
        ("vn_next = 0xffffffff", need + 12, &u32::MAX.to_le_bytes()),
        (
            "vn_aux = 0 (vernaux over verneed)",
            need + 8,
            &0u32.to_le_bytes(),
        ),
        ("vn_aux = 0xffffffff", need + 8, &u32::MAX.to_le_bytes()),
        ("vna_next = 0xffffffff", aux + 12, &u32::MAX.to_le_bytes()),
        ("vn_file = 0xffffffff", need + 4, &u32::MAX.to_le_bytes()),
        ("vna_name = 0xffffffff", aux + 8, &u32::MAX.to_le_bytes()),
        ("vna_other = 0xffff", aux + 6, &[0xff, 0xff]),
    ];
    for (name, at, bytes) in edits {
        let mut copy = with(data, &[(at, bytes)]);
        if name.starts_with("vn_cnt") {
            put(&mut copy, aux + 12, &0u32.to_le_bytes());
        }
        corpus.any(CYCLIC, source, format!(".gnu.version_r {name}"), copy);
    }

    // 64 Verneeds that all lead to one Vernaux that leads to itself, each
    // read 65,535 times: 4.2 million records from 1 KiB.
    let (vn_file, vna_name) = (u32le(data, need + 4), u32le(data, aux + 8));
    let mut table = Vec::new();
    let count = 64u32;
    for i in 0..count {
        let vn_aux = (count - i) * 16;
        let vn_next: u32 = if i + 1 == count { 0 } else { 16 };
        table.extend_from_slice(&1u16.to_le_bytes());
        table.extend_from_slice(&0xffffu16.to_le_bytes());
        table.extend_from_slice(&vn_file.to_le_bytes());
        table.extend_from_slice(&vn_aux.to_le_bytes());
        table.extend_from_slice(&vn_next.to_le_bytes());
    }
    table.extend_from_slice(&0u32.to_le_bytes());
    table.extend_from_slice(&0u16.to_le_bytes());
    table.extend_from_slice(&2u16.to_le_bytes());
    table.extend_from_slice(&vna_name.to_le_bytes());
    table.extend_from_slice(&0u32.to_le_bytes());
    let (mut copy, at) = append(data, 8, &table);
    put(
        &mut copy,
        verneed.header + SH_OFFSET,
        &(at as u64).to_le_bytes(),
    );
    put(
        &mut copy,
        verneed.header + SH_SIZE,
        &(table.len() as u64).to_le_bytes(),
    );
    corpus.limit(
        CYCLIC,
        source,
        ".gnu.version_r: 64 records x 65535 self-chained",
        copy,
        ENTRIES,
    );
}

/// A `.symtab` whose names all run to the end of an unterminated `.strtab`.
fn elf_names(corpus: &mut Corpus, source: &Source, layout: &Elf) {
    let (Some(symtab), Some(strtab), Some(text)) = (
        layout.section(".symtab"),
        layout.section(".strtab"),
        layout.section(".text"),
    ) else {
        return;
    };
    let table = |name_of: &dyn Fn(usize) -> u32| {
        let mut symbols = vec![0u8; 24];
        for i in 0..MANY {
            symbols.extend_from_slice(&name_of(i).to_le_bytes());
            symbols.push(0x12); // STB_GLOBAL, STT_FUNC
            symbols.push(0);
            symbols.extend_from_slice(&(text.index as u16).to_le_bytes());
            symbols.extend_from_slice(&[0; 16]);
        }
        symbols
    };
    let build = |symbols: &[u8], strings: &[u8]| {
        let (mut copy, sym_at) = append(&source.data, 8, symbols);
        let str_at = copy.len();
        copy.extend_from_slice(strings);
        put(
            &mut copy,
            symtab.header + SH_OFFSET,
            &(sym_at as u64).to_le_bytes(),
        );
        put(
            &mut copy,
            symtab.header + SH_SIZE,
            &(symbols.len() as u64).to_le_bytes(),
        );
        put(
            &mut copy,
            strtab.header + SH_OFFSET,
            &(str_at as u64).to_le_bytes(),
        );
        put(
            &mut copy,
            strtab.header + SH_SIZE,
            &(strings.len() as u64).to_le_bytes(),
        );
        put(
            &mut copy,
            symtab.header + SH_LINK,
            &(strtab.index as u32).to_le_bytes(),
        );
        copy
    };
    let strings = unterminated(LONG);
    let name = format!("{MANY} .symtab entries all named at offset 0 of a {LONG}-byte name");
    corpus.limit(
        NAME_BYTES,
        source,
        name,
        build(&table(&|_| 0), &strings),
        NAMES,
    );
    let name =
        format!("{MANY} .symtab entries named at offsets 0, 1, 2, ... of a {LONG}-byte name");
    let copy = build(&table(&|i| i as u32), &strings);
    corpus.push(NAME_BYTES, source, name, copy, Expect::Limit(NAMES), true);
    let no_nul = vec![b'A'; LONG];
    let name = format!("{MANY} .symtab entries named in a .strtab without any NUL");
    corpus.any(NAME_BYTES, source, name, build(&table(&|_| 0), &no_nul));
}

// ---------------------------------------------------------------- Mach-O

fn macho(corpus: &mut Corpus, source: &Source) {
    let data = &source.data[..];
    let len = data.len() as u32;
    let layout = MachO::read(data);
    let ncmds = layout.commands.len() as u32;
    let sizeofcmds = u32le(data, MH_SIZEOFCMDS);

    for value in [u32::MAX, ncmds + 1, 0] {
        corpus.any(
            PAST_END,
            source,
            format!("ncmds = {value:#x}"),
            set32(data, MH_NCMDS, value),
        );
    }
    for value in [u32::MAX, len, sizeofcmds + 8, 0, 7] {
        let case = format!("sizeofcmds = {value:#x}");
        corpus.any(PAST_END, source, case, set32(data, MH_SIZEOFCMDS, value));
    }
    for c in &layout.commands {
        for value in [0, 7, u32::MAX, c.size as u32 + 8] {
            let case = format!(
                "load command {} ({:#x}) cmdsize = {value:#x}",
                c.index, c.cmd
            );
            corpus.any(PAST_END, source, case, set32(data, c.at + 4, value));
        }
    }
    let symtab = layout.command(LC_SYMTAB).expect("LC_SYMTAB");
    let fields = [
        ("symoff", 8),
        ("nsyms", 12),
        ("stroff", 16),
        ("strsize", 20),
    ];
    for (field, offset) in fields {
        let current = u32le(data, symtab.at + offset);
        for value in [len, len - 8, u32::MAX, current + 1] {
            let case = format!("LC_SYMTAB {field} = {value:#x}");
            corpus.any(
                PAST_END,
                source,
                case,
                set32(data, symtab.at + offset, value),
            );
        }
    }
    let strsize = u32le(data, symtab.at + 20);
    let (symoff, nsyms) = (
        u32le(data, symtab.at + 8) as usize,
        u32le(data, symtab.at + 12) as usize,
    );
    for value in [strsize, u32::MAX] {
        let mut copy = data.to_vec();
        for i in 0..nsyms {
            put(&mut copy, symoff + i * 16, &value.to_le_bytes());
        }
        corpus.any(PAST_END, source, format!("every n_strx = {value:#x}"), copy);
    }
    let info = layout
        .command(LC_DYLD_INFO_ONLY)
        .expect("LC_DYLD_INFO_ONLY");
    for (what, field) in [("bind", 16), ("lazy bind", 32), ("export", 40)] {
        for value in [len, u32::MAX] {
            let case = format!("LC_DYLD_INFO_ONLY {what} offset = {value:#x}");
            corpus.any(PAST_END, source, case, set32(data, info.at + field, value));
            let case = format!("LC_DYLD_INFO_ONLY {what} size = {value:#x}");
            corpus.any(
                PAST_END,
                source,
                case,
                set32(data, info.at + field + 4, value),
            );
        }
    }
    for c in layout.commands.iter().filter(|c| c.cmd == LC_SEGMENT_64) {
        let nsects = u32le(data, c.at + 64);
        for value in [u32::MAX, nsects + 1] {
            let case = format!("segment {} nsects = {value:#x}", c.index);
            corpus.any(PAST_END, source, case, set32(data, c.at + 64, value));
        }
        for value in [u64::from(len), u64::MAX] {
            let case = format!("segment {} fileoff = {value:#x}", c.index);
            corpus.any(PAST_END, source, case, set64(data, c.at + 40, value));
        }
        for (field, what) in [(48, "filesize"), (32, "vmsize")] {
            for value in [0xffff_ffff, u64::MAX] {
                let case = format!("segment {} {what} = {value:#x}", c.index);
                corpus.any(HUGE_SIZE, source, case, set64(data, c.at + field, value));
            }
        }
        for i in 0..nsects as usize {
            let at = c.at + 72 + i * 80;
            for value in [0xffff_ffff, u64::MAX] {
                let case = format!("segment {} section {i} size = {value:#x}", c.index);
                corpus.any(HUGE_SIZE, source, case, set64(data, at + 40, value));
            }
        }
    }
    let case = "LC_SYMTAB strsize = 0xffffffff";
    corpus.any(
        HUGE_SIZE,
        source,
        case,
        set32(data, symtab.at + 20, u32::MAX),
    );

    macho_tries(corpus, source, info.at);
    macho_overlaps(corpus, source, &layout, symtab.at, info.at);
    macho_names(corpus, source, &layout, symtab.at);
}

/// ULEB128 padded to three bytes, so node sizes do not depend on offsets.
fn uleb3(value: usize) -> [u8; 3] {
    assert!(value < 1 << 21);
    [
        (value & 0x7f) as u8 | 0x80,
        ((value >> 7) & 0x7f) as u8 | 0x80,
        (value >> 14) as u8,
    ]
}

/// A trie node: whether it exports a name, and its edges (string, index of
/// the child node).
type Node<'a> = (bool, Vec<(&'a [u8], usize)>);

/// An export trie of `nodes` in a row.
fn trie(nodes: &[Node]) -> Vec<u8> {
    // Sizes first: terminal data is [2, flags 0, address 0].
    let size = |(terminal, edges): &Node| {
        (if *terminal { 3 } else { 1 })
            + 1
            + edges.iter().map(|(e, _)| e.len() + 1 + 3).sum::<usize>()
    };
    let mut starts = Vec::new();
    let mut at = 0;
    for node in nodes {
        starts.push(at);
        at += size(node);
    }
    let mut out = Vec::new();
    for (terminal, edges) in nodes {
        out.extend_from_slice(if *terminal { &[2, 0, 0][..] } else { &[0][..] });
        out.push(edges.len() as u8);
        for (edge, child) in edges {
            out.extend_from_slice(edge);
            out.push(0);
            out.extend_from_slice(&uleb3(starts[*child]));
        }
    }
    out
}

/// Export tries appended to the file and pointed at by LC_DYLD_INFO_ONLY.
fn macho_tries(corpus: &mut Corpus, source: &Source, info: usize) {
    let data = &source.data[..];
    let mut add = |name: &str, trie: Vec<u8>| {
        let (mut copy, at) = append(data, 8, &trie);
        put(&mut copy, info + 40, &(at as u32).to_le_bytes());
        put(&mut copy, info + 44, &(trie.len() as u32).to_le_bytes());
        let name = format!("export trie: {name}");
        corpus.push(CYCLIC, source, name, copy, Expect::View, false);
    };
    add(
        "root's child is the root",
        trie(&[(false, vec![(b"a", 0)])]),
    );
    add(
        "child's child is its parent",
        trie(&[(false, vec![(b"_a", 1)]), (true, vec![(b"b", 0)])]),
    );
    add(
        "child's child is itself",
        trie(&[(false, vec![(b"_a", 1)]), (true, vec![(b"b", 1)])]),
    );
    // Every node has two edges to the next one: 2^depth paths.
    let dag = |depth: usize, terminals: bool| {
        let mut nodes: Vec<Node> = (0..depth)
            .map(|i| {
                (
                    terminals && i > 0,
                    vec![(&b"a"[..], i + 1), (&b"b"[..], i + 1)],
                )
            })
            .collect();
        nodes.push((true, vec![]));
        trie(&nodes)
    };
    add("shared children, 2^40 exported paths", dag(40, true));
    add(
        "shared children, 2^60 paths, terminal only at the end",
        dag(60, false),
    );
    add("255 edges to one child, 8 levels", {
        let edges: Vec<Vec<u8>> = (0..255u8).map(|b| vec![b'a', b.max(1)]).collect();
        let mut nodes: Vec<Node> = (0..8)
            .map(|i| (false, edges.iter().map(|e| (&e[..], i + 1)).collect()))
            .collect();
        nodes.push((true, vec![]));
        trie(&nodes)
    });
    let chain: Vec<Node> = (0..4096)
        .map(|i| {
            (
                i > 0,
                if i < 4095 {
                    vec![(&b"a"[..], i + 1)]
                } else {
                    vec![]
                },
            )
        })
        .collect();
    add("a chain 4096 deep, every node exported", trie(&chain));
    add("edge string without NUL", vec![0, 1, b'a', b'b', b'c']);
    add(
        "child offset past the end",
        vec![0, 1, b'a', 0, 0xff, 0xff, 0x03],
    );
    add("child offset overflowing 64 bits", {
        let mut t = vec![0, 1, b'a', 0];
        t.extend_from_slice(&[0xff; 11]);
        t.push(1);
        t
    });
    add("terminal size past the end", vec![0xff, 0xff, 0x03, 0]);
    add("unknown export flags", vec![3, 0xc0, 0x01, 0, 0]);
    add("re-export of dylib 200", vec![4, 8, 200, 1, b'x', 0]);
}

/// Mach-O tables laid over one another, and bind streams over other data.
fn macho_overlaps(
    corpus: &mut Corpus,
    source: &Source,
    layout: &MachO,
    symtab: usize,
    info: usize,
) {
    let data = &source.data[..];
    let (symoff, nsyms) = (u32le(data, symtab + 8), u32le(data, symtab + 12));
    let (stroff, strsize) = (u32le(data, symtab + 16), u32le(data, symtab + 20));
    let len = data.len() as u32;
    let cases: Vec<(&str, Vec<(usize, u32)>)> = vec![
        (
            "string table over the nlist table",
            vec![(symtab + 16, symoff), (symtab + 20, nsyms * 16)],
        ),
        (
            "nlist table over the string table",
            vec![(symtab + 8, stroff), (symtab + 12, strsize / 16)],
        ),
        ("nlist table over the header", vec![(symtab + 8, 0)]),
        ("string table over the header", vec![(symtab + 16, 0)]),
        (
            "nlist table is the whole file",
            vec![(symtab + 8, 0), (symtab + 12, len / 16)],
        ),
        (
            "string table is the whole file",
            vec![(symtab + 16, 0), (symtab + 20, len)],
        ),
        (
            "export trie over the header",
            vec![(info + 40, 0), (info + 44, 64)],
        ),
        (
            "export trie is the whole file",
            vec![(info + 40, 0), (info + 44, len)],
        ),
        (
            "bind info over the header",
            vec![(info + 16, 0), (info + 20, 64)],
        ),
        (
            "bind info is the whole file",
            vec![(info + 16, 0), (info + 20, len)],
        ),
        (
            "lazy bind info is the whole file",
            vec![(info + 32, 0), (info + 36, len)],
        ),
        ("bind info over the export trie", {
            let (off, size) = (u32le(data, info + 40), u32le(data, info + 44));
            vec![(info + 16, off), (info + 20, size)]
        }),
    ];
    for (name, edits) in cases {
        let mut copy = data.to_vec();
        for (at, value) in edits {
            put(&mut copy, at, &value.to_le_bytes());
        }
        corpus.any(CYCLIC, source, name, copy);
    }
    let first = &layout.commands[0];
    let sizeofcmds = u32le(data, MH_SIZEOFCMDS);
    let case = "first load command swallows the others";
    corpus.any(CYCLIC, source, case, set32(data, first.at + 4, sizeofcmds));
    let case = "sizeofcmds ends inside a load command";
    corpus.any(
        CYCLIC,
        source,
        case,
        set32(data, MH_SIZEOFCMDS, sizeofcmds - 12),
    );
}

/// Names that run to the end of an unterminated string table, from the
/// symbol table and from chained fixups.
fn macho_names(corpus: &mut Corpus, source: &Source, layout: &MachO, symtab: usize) {
    let data = &source.data[..];
    let mut nlists = Vec::new();
    for _ in 0..MANY {
        nlists.extend_from_slice(&0u32.to_le_bytes()); // n_strx 0
        nlists.extend_from_slice(&[0x0f, 1]); // N_SECT | N_EXT, section 1
        nlists.extend_from_slice(&[0; 10]);
    }
    let (mut copy, sym_at) = append(data, 8, &nlists);
    let str_at = copy.len();
    copy.extend_from_slice(&unterminated(LONG));
    put(&mut copy, symtab + 8, &(sym_at as u32).to_le_bytes());
    put(&mut copy, symtab + 12, &(MANY as u32).to_le_bytes());
    put(&mut copy, symtab + 16, &(str_at as u32).to_le_bytes());
    put(&mut copy, symtab + 20, &(LONG as u32 + 1).to_le_bytes());
    let name = format!("{MANY} nlist entries all named at offset 0 of a {LONG}-byte name");
    corpus.limit(NAME_BYTES, source, name, copy, NAMES);

    // LC_FUNCTION_STARTS turned into LC_DYLD_CHAINED_FIXUPS: imports bound
    // to the image itself, which object skips after reading their names.
    let command = layout
        .command(LC_FUNCTION_STARTS)
        .expect("LC_FUNCTION_STARTS");
    let fixups = |count: u32, listed: usize| {
        let imports_offset = 32u32;
        let symbols_offset = imports_offset + 4 * listed as u32;
        let mut chain = Vec::new();
        for word in [0, 28, imports_offset, symbols_offset, count, 1, 0] {
            chain.extend_from_slice(&u32::to_le_bytes(word));
        }
        chain.resize(imports_offset as usize, 0);
        chain.extend(std::iter::repeat_n(0u8, 4 * listed)); // SELF, name offset 0
        chain.extend_from_slice(&unterminated(LONG));
        let (mut copy, at) = append(data, 8, &chain);
        put(&mut copy, command.at, &LC_DYLD_CHAINED_FIXUPS.to_le_bytes());
        put(&mut copy, command.at + 8, &(at as u32).to_le_bytes());
        put(
            &mut copy,
            command.at + 12,
            &(chain.len() as u32).to_le_bytes(),
        );
        copy
    };
    let name = format!("{MANY} chained imports of the image itself, named by one {LONG}-byte name");
    corpus.limit(NAME_BYTES, source, name, fixups(MANY as u32, MANY), NAMES);
    let name = "chained fixups imports_count = 0xffffffff";
    corpus.any(PAST_END, source, name, fixups(u32::MAX, 4));
}

// ---------------------------------------------------------------- fat

fn fat(corpus: &mut Corpus, source: &Source, sources: &[Source]) {
    let data = &source.data[..];
    let arches = fat_arches(data);
    let count = arches.len() as u32;
    for value in [0, 1, count + 1, 65, 100_000, u32::MAX] {
        let case = format!("nfat_arch = {value:#x}");
        let copy = set32be(data, 4, value);
        match value {
            65.. => corpus.limit(FAT, source, case, copy, SLICES),
            _ => corpus.any(FAT, source, case, copy),
        }
    }
    let mut fat64 = set32be(data, 4, u32::MAX);
    fat64[3] = 0xbf;
    corpus.limit(
        FAT,
        source,
        "FAT_MAGIC_64 with nfat_arch = 0xffffffff",
        fat64,
        SLICES,
    );
    let len = data.len() as u32;
    for (i, arch) in arches.iter().enumerate() {
        for value in [len, u32::MAX, 0] {
            let case = format!("arch {i} offset = {value:#x}");
            corpus.any(PAST_END, source, case, set32be(data, arch.at + 8, value));
        }
        for value in [u32::MAX, len] {
            let case = format!("arch {i} size = {value:#x}");
            corpus.any(HUGE_SIZE, source, case, set32be(data, arch.at + 12, value));
        }
        let case = format!("arch {i} size = 0");
        corpus.any(PAST_END, source, case, set32be(data, arch.at + 12, 0));
        for (j, other) in arches.iter().enumerate().filter(|(j, _)| *j != i) {
            let mut copy = set32be(data, arch.at + 8, other.offset as u32);
            put(&mut copy, arch.at + 12, &(other.size as u32).to_be_bytes());
            corpus.any(
                CYCLIC,
                source,
                format!("arch {i} is arch {j}'s slice"),
                copy,
            );
            let middle = (other.offset + other.size / 2) as u32;
            let copy = set32be(data, arch.at + 8, middle);
            corpus.any(
                CYCLIC,
                source,
                format!("arch {i} starts inside arch {j}'s slice"),
                copy,
            );
        }
    }

    // Universal files assembled here from the thin sources.
    let thin: Vec<&Source> = sources.iter().filter(|s| s.kind == Kind::MachO).collect();
    fn slice(s: &Source) -> (u32, u32, &[u8]) {
        (u32le(&s.data, 4), u32le(&s.data, 8), &s.data[..])
    }
    let assembled = assemble_fat(&thin.iter().map(|s| slice(s)).collect::<Vec<_>>());
    let name = format!("assembled from {} thin sources", thin.len());
    corpus.push(
        FAT,
        source,
        name,
        assembled,
        Expect::Slices(thin.len()),
        false,
    );
    let one = slice(thin[0]);
    for (n, expect) in [(64, Expect::Slices(64)), (65, Expect::Limit(SLICES))] {
        let copies = assemble_fat(&vec![one; n]);
        corpus.push(
            FAT,
            source,
            format!("{n} slices, each a copy of one image"),
            copies,
            expect,
            false,
        );
    }
    // 100,000 headers that all name one image.
    let mut many = Vec::new();
    many.extend_from_slice(&0xcafe_babe_u32.to_be_bytes());
    many.extend_from_slice(&100_000u32.to_be_bytes());
    let offset = (8 + 20 * 100_000usize).next_multiple_of(4096) as u32;
    for _ in 0..100_000 {
        for word in [one.0, one.1, offset, one.2.len() as u32, 12] {
            many.extend_from_slice(&word.to_be_bytes());
        }
    }
    many.resize(offset as usize, 0);
    many.extend_from_slice(one.2);
    let name = "100000 fat_arch headers all naming one valid image";
    corpus.limit(FAT, source, name, many, SLICES);
}

// ---------------------------------------------------------------- PE

fn pe(corpus: &mut Corpus, source: &Source) {
    let data = &source.data[..];
    let len = data.len() as u32;
    let layout = Pe::read(data);
    let coff = layout.coff;
    let optional = layout.optional;

    for value in [len, len - 2, u32::MAX, 0x8000_0000] {
        corpus.any(
            PAST_END,
            source,
            format!("e_lfanew = {value:#x}"),
            set32(data, 0x3c, value),
        );
    }
    let sections = layout.sections.len() as u16;
    for value in [0xffff, sections + 1] {
        let case = format!("NumberOfSections = {value:#x}");
        corpus.any(
            PAST_END,
            source,
            case,
            set16(data, coff + COFF_NUMBER_OF_SECTIONS, value),
        );
    }
    for value in [0xffff, 0] {
        let case = format!("SizeOfOptionalHeader = {value:#x}");
        corpus.any(PAST_END, source, case, set16(data, coff + 16, value));
    }
    for value in [u32::MAX, 17, 0] {
        let case = format!("NumberOfRvaAndSizes = {value:#x}");
        corpus.any(PAST_END, source, case, set32(data, optional + 108, value));
    }
    let size_of_image = u32le(data, optional + 56);
    for (dir, what) in [(0, "export"), (1, "import"), (13, "delay import")] {
        let at = layout.directory(dir);
        for value in [u32::MAX, size_of_image, size_of_image - 4] {
            let case = format!("{what} directory RVA = {value:#x}");
            corpus.any(PAST_END, source, case, set32(data, at, value));
        }
        let case = format!("{what} directory size = 0xffffffff");
        corpus.any(HUGE_SIZE, source, case, set32(data, at + 4, u32::MAX));
    }
    let exports = layout
        .offset_of(u32le(data, layout.directory(0)))
        .expect("export directory");
    let fields = [
        ("Name", 12),
        ("NumberOfFunctions", 20),
        ("NumberOfNames", 24),
        ("AddressOfFunctions", 28),
        ("AddressOfNames", 32),
        ("AddressOfNameOrdinals", 36),
    ];
    for (field, offset) in fields {
        let current = u32le(data, exports + offset);
        for value in [u32::MAX, 0x4000_0000, current + 1, 0] {
            let case = format!("export directory {field} = {value:#x}");
            corpus.any(PAST_END, source, case, set32(data, exports + offset, value));
        }
    }
    let imports = layout
        .offset_of(u32le(data, layout.directory(1)))
        .expect("import directory");
    for (field, offset) in [("OriginalFirstThunk", 0), ("Name", 12), ("FirstThunk", 16)] {
        for value in [u32::MAX, size_of_image] {
            let case = format!("import descriptor 0 {field} = {value:#x}");
            corpus.any(PAST_END, source, case, set32(data, imports + offset, value));
        }
    }
    for value in [len, len - 10, u32::MAX] {
        let case = format!("PointerToSymbolTable = {value:#x}");
        let at = coff + COFF_POINTER_TO_SYMBOL_TABLE;
        corpus.any(PAST_END, source, case, set32(data, at, value));
    }
    for value in [u32::MAX, layout.symbol_count as u32 + 1] {
        let case = format!("NumberOfSymbols = {value:#x}");
        corpus.any(
            PAST_END,
            source,
            case,
            set32(data, coff + COFF_NUMBER_OF_SYMBOLS, value),
        );
    }
    if layout.symbols != 0 {
        let strings = layout.symbols + layout.symbol_count * 18;
        let case = "COFF string table size = 0xffffffff";
        corpus.any(HUGE_SIZE, source, case, set32(data, strings, u32::MAX));
    }
    for s in &layout.sections {
        for value in [len, u32::MAX] {
            let case = format!("section {} PointerToRawData = {value:#x}", s.index);
            corpus.any(PAST_END, source, case, set32(data, s.header + 20, value));
        }
        for (field, what) in [(8, "VirtualSize"), (16, "SizeOfRawData")] {
            let case = format!("section {} {what} = 0xffffffff", s.index);
            corpus.any(
                HUGE_SIZE,
                source,
                case,
                set32(data, s.header + field, u32::MAX),
            );
        }
    }
    for (offset, what) in [(56, "SizeOfImage"), (60, "SizeOfHeaders")] {
        let case = format!("{what} = 0xffffffff");
        corpus.any(
            HUGE_SIZE,
            source,
            case,
            set32(data, optional + offset, u32::MAX),
        );
    }
    corpus.any(
        HUGE_SIZE,
        source,
        "SizeOfStackReserve = 2^64 - 1",
        set64(data, optional + 72, u64::MAX),
    );

    pe_overlaps(corpus, source, &layout, exports, imports);
    pe_limits(corpus, source, &layout);
}

/// PE tables over one another, and lists that never end.
fn pe_overlaps(corpus: &mut Corpus, source: &Source, layout: &Pe, exports: usize, imports: usize) {
    let data = &source.data[..];
    let export_rva = u32le(data, layout.directory(0));
    let import_rva = u32le(data, layout.directory(1));
    let text_rva = layout.sections[0].virtual_address;
    let thunk_rva = u32le(data, imports);
    let coff = layout.coff;
    let cases: Vec<(&str, Vec<(usize, u32)>)> = vec![
        (
            "import directory is the export directory",
            vec![(layout.directory(1), export_rva)],
        ),
        (
            "export directory is the import directory",
            vec![(layout.directory(0), import_rva)],
        ),
        (
            "import thunks are the import descriptors",
            vec![(imports, import_rva)],
        ),
        (
            "import address thunks are the descriptors, no lookup table",
            vec![(imports, 0), (imports + 16, import_rva)],
        ),
        (
            "import DLL name is the thunk list",
            vec![(imports + 12, thunk_rva)],
        ),
        ("import thunks run through code", vec![(imports, text_rva)]),
        (
            "import descriptors run through code",
            vec![(layout.directory(1), text_rva)],
        ),
        (
            "export name pointers are the export directory",
            vec![(exports + 32, export_rva)],
        ),
        (
            "export name ordinals are the name pointers",
            vec![(exports + 36, u32le(data, exports + 32))],
        ),
        (
            "export functions are the export directory",
            vec![(exports + 28, export_rva)],
        ),
        (
            "COFF symbols over the DOS header",
            vec![(coff + COFF_POINTER_TO_SYMBOL_TABLE, 0)],
        ),
        (
            "COFF symbols over the section table",
            vec![(
                coff + COFF_POINTER_TO_SYMBOL_TABLE,
                layout.sections[0].header as u32,
            )],
        ),
        ("section 1 is section 0's data", {
            let s = &layout.sections;
            vec![
                (s[1].header + 20, s[0].raw_pointer),
                (s[1].header + 16, s[0].raw_size),
            ]
        }),
    ];
    for (name, edits) in cases {
        let mut copy = data.to_vec();
        for (at, value) in edits {
            put(&mut copy, at, &value.to_le_bytes());
        }
        corpus.any(CYCLIC, source, name, copy);
    }
}

/// Appends `region` to the last section (growing it) and returns the file
/// and the region's RVA.
fn pe_append(data: &[u8], layout: &Pe, region: impl FnOnce(u32) -> Vec<u8>) -> Vec<u8> {
    let last = layout
        .sections
        .iter()
        .max_by_key(|s| s.raw_pointer)
        .unwrap();
    let mut out = data.to_vec();
    out.resize(out.len().next_multiple_of(512), 0);
    let rva = last.virtual_address + (out.len() as u32 - last.raw_pointer);
    out.extend(region(rva));
    out.resize(out.len().next_multiple_of(512), 0);
    let size = out.len() as u32 - last.raw_pointer;
    put(&mut out, last.header + 8, &size.to_le_bytes());
    put(&mut out, last.header + 16, &size.to_le_bytes());
    out
}

fn pe_limits(corpus: &mut Corpus, source: &Source, layout: &Pe) {
    let data = &source.data[..];
    // 2048 import descriptors sharing one list of 2048 thunks: 4.2 million
    // imports from 57 KiB.
    let (descriptors, thunks) = (2048u32, 2048u32);
    let mut region_rva = 0;
    let copy = pe_append(data, layout, |rva| {
        region_rva = rva;
        let thunk_at = ((descriptors + 1) * 20).next_multiple_of(8);
        let hint_at = thunk_at + (thunks + 1) * 8;
        let dll_at = hint_at + 4;
        let mut region = Vec::new();
        for _ in 0..descriptors {
            for word in [rva + thunk_at, 0, 0, rva + dll_at, rva + thunk_at] {
                region.extend_from_slice(&word.to_le_bytes());
            }
        }
        region.resize(thunk_at as usize, 0);
        for _ in 0..thunks {
            region.extend_from_slice(&u64::from(rva + hint_at).to_le_bytes());
        }
        region.extend_from_slice(&[0; 8]);
        region.extend_from_slice(b"\0\0f\0x.dll\0");
        region
    });
    let copy = with(
        &copy,
        &[
            (layout.directory(1), &region_rva.to_le_bytes()),
            (
                layout.directory(1) + 4,
                &((descriptors + 1) * 20).to_le_bytes(),
            ),
        ],
    );
    let name = format!("{descriptors} import descriptors sharing one list of {thunks} thunks");
    corpus.limit(CYCLIC, source, name, copy, ENTRIES);

    // 8192 import descriptors without thunks, all naming one 64 KiB DLL
    // name (object reads each name while looking for the next thunk).
    let mut region_rva = 0;
    let copy = pe_append(data, layout, |rva| {
        region_rva = rva;
        let thunk_at = (MANY as u32 + 1) * 20;
        let name_at = thunk_at + 8;
        let mut region = Vec::new();
        for _ in 0..MANY {
            for word in [rva + thunk_at, 0, 0, rva + name_at, rva + thunk_at] {
                region.extend_from_slice(&word.to_le_bytes());
            }
        }
        region.resize(name_at as usize, 0);
        region.extend_from_slice(&unterminated(LONG));
        region
    });
    let copy = with(
        &copy,
        &[(layout.directory(1), &region_rva.to_le_bytes()[..])],
    );
    let name = format!("{MANY} import descriptors without thunks, all naming one {LONG}-byte DLL");
    corpus.limit(NAME_BYTES, source, name, copy, NAMES);

    // An export name table of 8192 names, all one 64 KiB name. Every table
    // of an export directory lies within its declared size.
    let (mut region_rva, mut region_len) = (0, 0);
    let copy = pe_append(data, layout, |rva| {
        region_rva = rva;
        let functions = 40u32;
        let names = functions + 4;
        let ordinals = names + 4 * MANY as u32;
        let string = ordinals + 2 * MANY as u32;
        let mut region = Vec::new();
        for word in [0, 0, 0, rva + string, 1, 1, MANY as u32] {
            region.extend_from_slice(&u32::to_le_bytes(word));
        }
        for word in [rva + functions, rva + names, rva + ordinals] {
            region.extend_from_slice(&word.to_le_bytes());
        }
        region.extend_from_slice(&layout.sections[0].virtual_address.to_le_bytes());
        for _ in 0..MANY {
            region.extend_from_slice(&(rva + string).to_le_bytes());
        }
        region.extend(std::iter::repeat_n(0u8, 2 * MANY));
        region.extend_from_slice(&unterminated(LONG));
        region_len = region.len() as u32;
        region
    });
    let copy = with(
        &copy,
        &[
            (layout.directory(0), &region_rva.to_le_bytes()),
            (layout.directory(0) + 4, &region_len.to_le_bytes()),
        ],
    );
    let name = format!("export NumberOfNames = {MANY}, every name the same {LONG}-byte name");
    corpus.limit(NAME_BYTES, source, name, copy, NAMES);

    // COFF symbols whose long names all start at one unterminated string.
    let mut table = Vec::new();
    for _ in 0..MANY {
        table.extend_from_slice(&[0, 0, 0, 0, 4, 0, 0, 0]); // long name at offset 4
        table.extend_from_slice(&0u32.to_le_bytes());
        table.extend_from_slice(&1u16.to_le_bytes()); // section 1
        table.extend_from_slice(&0x20u16.to_le_bytes()); // function
        table.extend_from_slice(&[2, 0]); // external, no aux
    }
    let strings = unterminated(LONG);
    table.extend_from_slice(&(4 + strings.len() as u32).to_le_bytes());
    table.extend_from_slice(&strings);
    let (mut copy, at) = append(data, 8, &table);
    put(
        &mut copy,
        layout.coff + COFF_POINTER_TO_SYMBOL_TABLE,
        &(at as u32).to_le_bytes(),
    );
    put(
        &mut copy,
        layout.coff + COFF_NUMBER_OF_SYMBOLS,
        &(MANY as u32).to_le_bytes(),
    );
    let name = format!("{MANY} COFF symbols all named at one {LONG}-byte name");
    corpus.limit(NAME_BYTES, source, name, copy, NAMES);
}
