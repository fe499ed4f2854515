//! A file's bytes without reading the file into memory: regular files are
//! memory-mapped, so a parse touches only the pages it reads and memory use
//! does not grow with the file.
//!
//! A mapping sees the file as it is on disk while we read it: a file cut
//! short by another process during the parse raises SIGBUS. The inspector
//! reads build artifacts, not files other processes are rewriting; that
//! hazard is documented in docs/security.md.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::Path;

use memmap2::Mmap;

/// Files that are not regular (pipes, character devices) are read into
/// memory, up to this many bytes; `/dev/zero` must not be read forever.
pub const STREAM_LIMIT: u64 = 1 << 30;

pub enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
    Mapped(Mmap),
    Empty,
}

impl Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(bytes) => bytes,
            Bytes::Owned(bytes) => bytes,
            Bytes::Mapped(map) => map,
            Bytes::Empty => &[],
        }
    }
}

impl Bytes<'static> {
    /// Maps an open file read-only. An empty file has no mapping.
    pub fn map(file: &File) -> io::Result<Self> {
        if file.metadata()?.len() == 0 {
            return Ok(Bytes::Empty);
        }
        // SAFETY: the mapping is read-only and private to this process; the
        // one way it can fault (the file truncated meanwhile) is documented
        // above rather than prevented.
        unsafe { Mmap::map(file) }.map(Bytes::Mapped)
    }

    /// The whole of the file at `path`.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        if file.metadata()?.is_file() {
            return Bytes::map(&file);
        }
        let mut bytes = Vec::new();
        file.take(STREAM_LIMIT + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > STREAM_LIMIT {
            return Err(io::Error::other(format!(
                "not a regular file and longer than {STREAM_LIMIT} bytes"
            )));
        }
        Ok(Bytes::Owned(bytes))
    }
}
