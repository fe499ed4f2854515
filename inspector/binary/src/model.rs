//! The common view of a shared object. Every format module produces these
//! types and nothing else; checks never see a format-specific structure.

/// The container format of a binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Elf,
    Macho,
    Pe,
}

impl Format {
    /// The lowercase name used in reports and JSON: `elf`, `macho`, `pe`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Elf => "elf",
            Format::Macho => "macho",
            Format::Pe => "pe",
        }
    }

    /// The name used in prose and error messages: `ELF`, `Mach-O`, `PE`.
    pub fn title(self) -> &'static str {
        match self {
            Format::Elf => "ELF",
            Format::Macho => "Mach-O",
            Format::Pe => "PE",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}

/// A machine architecture, named the way packaging tags name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    X86,
    X86_64,
    Arm,
    Aarch64,
    PowerPc,
    PowerPc64,
    PowerPc64Le,
    S390x,
    Riscv64,
    LoongArch64,
    Other,
}

impl Arch {
    /// The name used in reports: `x86_64`, `i686`, `aarch64`, `arm`,
    /// `ppc`, `ppc64`, `ppc64le`, `s390x`, `riscv64`, `loongarch64`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86 => "i686",
            Arch::X86_64 => "x86_64",
            Arch::Arm => "arm",
            Arch::Aarch64 => "aarch64",
            Arch::PowerPc => "ppc",
            Arch::PowerPc64 => "ppc64",
            Arch::PowerPc64Le => "ppc64le",
            Arch::S390x => "s390x",
            Arch::Riscv64 => "riscv64",
            Arch::LoongArch64 => "loongarch64",
            Arch::Other => "unknown",
        }
    }
}

/// Whether a defined symbol can be found by the dynamic loader
/// (`dlsym`, `GetProcAddress`), and if not, why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reach {
    /// In the dynamic symbol table (ELF), the export trie (Mach-O; without
    /// a trie, the symbol table as an external), or the export table (PE).
    Exported,
    /// Global binding but hidden (or internal/protected-but-absent) visibility:
    /// ELF `STV_HIDDEN`, Mach-O private extern (`N_PEXT`), or a Mach-O
    /// external of the symbol table that the export trie lacks.
    Hidden,
    /// Local binding (`static`, `STB_LOCAL`, Mach-O non-external).
    Local,
    /// PE only: in the COFF symbol table but not in the export table.
    NotInExportTable,
}

/// A symbol the binary defines. Names are C-level: the Mach-O leading
/// underscore is removed, PE decorations are not touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub reach: Reach,
}

/// A symbol the binary needs from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// C-level name (Mach-O leading underscore removed).
    pub name: String,
    /// The library the format says it comes from: the PE DLL name, the
    /// Mach-O two-level-namespace dylib install name, and for ELF the file
    /// the symbol's version belongs to (`GLIBC_2.2.5` → `libc.so.6`,
    /// from `.gnu.version_r`). `None` for unversioned ELF symbols (ELF does
    /// not otherwise record it), Mach-O flat namespace and the special
    /// ordinals (self, dynamic lookup, executable).
    pub library: Option<String>,
    /// ELF symbol version (`GLIBC_2.2.5`) when the symbol is versioned.
    pub version: Option<String>,
}

/// One architecture's image: the whole file, or one slice of a fat Mach-O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice {
    pub arch: Arch,
    /// Address size in bits (32 or 64).
    pub bits: u8,
    /// A shared library or loadable bundle: ELF `ET_DYN`, Mach-O `MH_BUNDLE`
    /// or `MH_DYLIB`, PE with `IMAGE_FILE_DLL`.
    pub is_shared_library: bool,
    /// Every defined symbol the file lets us see, once each, sorted by
    /// name: exports, plus the static symbol table when present. When a
    /// name is both exported and in the static table, it is `Exported`.
    pub symbols: Vec<Symbol>,
    /// Every undefined symbol, sorted by name.
    pub imports: Vec<Import>,
    /// Needed libraries in file order: ELF `DT_NEEDED`, Mach-O
    /// `LC_LOAD_DYLIB`/`LC_LOAD_WEAK_DYLIB`/`LC_REEXPORT_DYLIB`, PE imported DLLs.
    pub needed: Vec<String>,
    /// Whether a static symbol table (ELF `.symtab`, Mach-O `LC_SYMTAB`
    /// non-external entries, PE COFF symbol table) was present, i.e.
    /// whether unexported definitions could be seen at all.
    pub has_static_symbols: bool,
}

impl Slice {
    pub fn exports(&self) -> impl Iterator<Item = &Symbol> {
        self.symbols.iter().filter(|s| s.reach == Reach::Exported)
    }

    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols
            .binary_search_by(|s| s.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.symbols[i])
    }
}

/// A parsed binary: one slice, or several for a fat (universal) Mach-O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    pub format: Format,
    pub slices: Vec<Slice>,
}
