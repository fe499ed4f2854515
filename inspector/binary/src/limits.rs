//! The bounds a parse never goes past, whatever the bytes claim.
//!
//! Every count and offset in a binary is read from the file, so a malformed
//! or hostile file can claim anything: a table that lists the same entry a
//! million times, a string table without terminators that makes every name
//! as long as the file, an export trie whose nodes share children (a
//! "trie" with 2^depth names from a few hundred bytes). The parser never
//! allocates by a declared count; it allocates only for what it has read,
//! and it reads at most:
//!
//! * [`MAX_SLICES`] slices of a universal Mach-O;
//! * [`MAX_ENTRIES_PER_SLICE`] table entries per slice, summed over every
//!   table read (symbol tables, import and export tables, version tables,
//!   export trie nodes, dependent libraries);
//! * [`MAX_NAME_BYTES`] bytes of names per file: every symbol, library and
//!   version name and export-forwarder string, counted each time it is read
//!   (a scan for its terminator) or copied into the view, whether or not the
//!   view keeps it.
//!
//! Past a limit the parse stops with [`BinaryError::Limit`], which names the
//! limit and the table that reached it. Where object would repeat work
//! inside one call (GNU version records, the Mach-O export trie, PE import
//! descriptors, chained-fixup imports), the crate walks the structure itself
//! first or instead, so every repetition is counted.
//!
//! So the time a parse takes is linear in the input's length plus these
//! limits, and its memory is at most a small multiple of the input's length
//! plus the names it kept: the view keeps each distinct name once, and every
//! other structure (the visited set of an export trie, the fat headers,
//! object's version table of at most 65,536 entries) is sized by bytes
//! actually present, never by a declared count. Distinct names can only
//! outgrow the input where strings overlap (names at offsets 0, 1, 2, ... of
//! one long string; a deep export trie), and then [`MAX_NAME_BYTES`] bounds
//! them. The tests hold every parse of a malformed corpus to 16 MiB plus 16
//! bytes per input byte, plus [`MAX_NAME_BYTES`] for the cases built from
//! overlapping strings.
//!
//! [`BinaryError::Limit`]: crate::BinaryError::Limit

use crate::error::BinaryError;
use crate::model::Format;

/// Slices of a universal (fat) Mach-O. Apple's tools make at most a handful
/// (`i386`, `x86_64`, `x86_64h`, `arm64`, `arm64e`; old iOS files add a few
/// ARM variants), and dyld refuses a fat header whose `fat_arch` entries do
/// not fit in the file's first 4 KiB (more than 204); 64 is an order of
/// magnitude above any real file. The count the header declares is checked
/// before any header or slice is read.
pub const MAX_SLICES: u32 = 64;

/// Table entries read for one slice, summed over every table: ELF
/// `.dynsym` (once for definitions, once more for its undefined entries),
/// `.symtab`, GNU version records and `DT_NEEDED`; Mach-O `nlist` entries,
/// export-trie nodes, bound and chained imports, dylib load commands; PE
/// exports, import descriptors and thunks, COFF symbols and sections.
///
/// The biggest shared libraries in use have a few hundred thousand dynamic
/// symbols (`libtorch_cpu.so`; `libLLVM-15.so.1`, 117 MB, has 46,325), and an
/// unstripped one adds a static table of similar size, so a real file reads
/// well under a million entries. Four million is several times that, yet
/// small enough that reaching it takes under a second in a release build
/// (measured on the tests' limit cases). Entries that are
/// not backed by distinct bytes (PE import descriptors that all point at one
/// thunk list, a version record that chains to itself) reach it quickly.
pub const MAX_ENTRIES_PER_SLICE: u64 = 4_000_000;

/// Bytes of names read for one file (all slices together). Every name is
/// counted each time it is read, before it is copied, so a string table
/// without terminators shared by a million symbols stops here instead of
/// copying the same huge name a million times.
///
/// Real names total far less: `libLLVM-15.so.1`'s `.dynstr` is 3.1 MiB, and
/// a few hundred thousand mangled C++ names of a hundred bytes each, read
/// from two symbol tables, come to tens of MiB. 256 MiB keeps a wide margin
/// while bounding both the time spent reading names and the memory the view
/// can hold.
pub const MAX_NAME_BYTES: u64 = 256 * 1024 * 1024;

/// What is left of the limits for the file being read. One per [`parse`],
/// threaded through the format modules; every table entry and every name
/// goes through it.
///
/// [`parse`]: crate::parse
pub(crate) struct Budget {
    format: Format,
    entries: u64,
    name_bytes: u64,
}

impl Budget {
    pub(crate) fn new(format: Format) -> Self {
        Budget {
            format,
            entries: 0,
            name_bytes: 0,
        }
    }

    /// Entries are counted per slice; a universal file calls this per slice.
    pub(crate) fn start_slice(&mut self) {
        self.entries = 0;
    }

    /// A universal file declaring `declared` slices.
    pub(crate) fn slices(&self, declared: u32) -> Result<(), BinaryError> {
        if declared > MAX_SLICES {
            return Err(self.cut_off(format!(
                "universal file declares {declared} slices, more than {MAX_SLICES}"
            )));
        }
        Ok(())
    }

    /// One more entry read from `table`.
    pub(crate) fn entry(&mut self, table: &str) -> Result<(), BinaryError> {
        self.entries += 1;
        if self.entries > MAX_ENTRIES_PER_SLICE {
            return Err(self.cut_off(format!(
                "more than {MAX_ENTRIES_PER_SLICE} table entries in one image, reached in the {table}"
            )));
        }
        Ok(())
    }

    /// `len` more bytes of names read from `table`.
    pub(crate) fn name_bytes(&mut self, len: usize, table: &str) -> Result<(), BinaryError> {
        self.name_bytes = self.name_bytes.saturating_add(len as u64);
        if self.name_bytes > MAX_NAME_BYTES {
            return Err(self.cut_off(format!(
                "more than {} MiB of names, reached in the {table}",
                MAX_NAME_BYTES >> 20
            )));
        }
        Ok(())
    }

    /// A name from `table` as text for the view, counted before it is copied.
    /// Invalid UTF-8 grows when replaced, and the growth is counted too.
    pub(crate) fn text(&mut self, bytes: &[u8], table: &str) -> Result<String, BinaryError> {
        self.name_bytes(bytes.len(), table)?;
        let text = String::from_utf8_lossy(bytes);
        self.name_bytes(text.len() - bytes.len(), table)?;
        Ok(text.into_owned())
    }

    /// A copy of a name already read (a library name repeated per import).
    pub(crate) fn copy(&mut self, text: &str, table: &str) -> Result<String, BinaryError> {
        self.name_bytes(text.len(), table)?;
        Ok(text.to_owned())
    }

    fn cut_off(&self, detail: String) -> BinaryError {
        BinaryError::Limit {
            format: self.format,
            detail,
        }
    }
}
