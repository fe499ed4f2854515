//! A file's bytes without reading the file into memory: regular files are
//! memory-mapped, so a parse touches only the pages it reads and memory use
//! does not grow with the file.
//!
//! A mapping sees the file as it is on disk while we read it: a file cut
//! short by another process during the parse raises SIGBUS. The inspector
//! reads build artifacts, not files other processes are rewriting; that
//! hazard is documented in docs/security.md.

use std::fs::File;
use std::io::{self, Read, Write};
use std::ops::Deref;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use memmap2::Mmap;

/// Bytes read from a stream (a pipe, an inflating wheel member) stay in
/// memory up to this size; past it they go to an unnamed temporary file that
/// is mapped, so memory use does not grow with the stream. The file has no
/// name (`O_TMPFILE`, or unlinked at once) and disappears with the handle.
pub const IN_MEMORY_LIMIT: usize = 16 << 20;

/// The most a pipe named on the command line is read.
pub const STREAM_LIMIT: u64 = 1 << 30;

pub enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
    Mapped(Mmap),
}

impl Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(bytes) => bytes,
            Bytes::Owned(bytes) => bytes,
            Bytes::Mapped(map) => map,
        }
    }
}

impl Bytes<'static> {
    /// Maps an open file read-only. An empty file has no mapping.
    pub fn map(file: &File) -> io::Result<Self> {
        if file.metadata()?.len() == 0 {
            return Ok(Bytes::Borrowed(&[]));
        }
        // SAFETY: the mapping is read-only and private to this process; the
        // one way it can fault (the file truncated meanwhile) is documented
        // above rather than prevented.
        unsafe { Mmap::map(file) }.map(Bytes::Mapped)
    }

    /// The whole of the file at `path`: mapped when it is a regular file,
    /// read when it is a pipe. Devices are refused: `/dev/zero` never ends.
    pub fn open(path: &Path) -> io::Result<Self> {
        let mut file = File::open(path)?;
        let kind = file.metadata()?.file_type();
        if kind.is_file() {
            return Bytes::map(&file);
        }
        if !kind.is_fifo() {
            return Err(io::Error::other(format!(
                "not a regular file ({})",
                crate::input::kind_name(kind)
            )));
        }
        Bytes::read_to_end(&mut file, 0, STREAM_LIMIT)?.ok_or_else(|| {
            io::Error::other(format!("the pipe gives more than {STREAM_LIMIT} bytes"))
        })
    }

    /// Reads `reader` to its end, or `None` once it goes past `limit`.
    /// `hint` (a declared size) is trusted for nothing but a first allocation
    /// capped at [`IN_MEMORY_LIMIT`].
    pub fn read_to_end(reader: &mut dyn Read, hint: u64, limit: u64) -> io::Result<Option<Self>> {
        let mut limited = reader.take(limit.saturating_add(1));
        let first = usize::try_from(hint).unwrap_or(0).min(IN_MEMORY_LIMIT);
        let mut head = Vec::with_capacity(first);
        (&mut limited)
            .take(IN_MEMORY_LIMIT as u64 + 1)
            .read_to_end(&mut head)?;
        if head.len() as u64 > limit {
            return Ok(None);
        }
        if head.len() <= IN_MEMORY_LIMIT {
            return Ok(Some(Bytes::Owned(head)));
        }
        let mut spill = tempfile::tempfile()?;
        spill.write_all(&head)?;
        let head = head.len() as u64;
        let total = head + io::copy(&mut limited, &mut spill)?;
        if total > limit {
            return Ok(None);
        }
        Bytes::map(&spill).map(Some)
    }
}
