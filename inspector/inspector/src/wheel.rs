//! Reading extension modules out of a wheel without extracting it. Nothing
//! a member's name says is ever used as a path, so `../../x.so`, `/etc/x.so`
//! or a duplicate name is only a label; one member is in memory at a time.

use std::io::{self, Cursor, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

use thiserror::Error;
use zip::CompressionMethod;

use crate::mapped::Bytes;

#[derive(Debug, Error)]
pub enum WheelError {
    #[error("not a readable zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("member inflates to more than {limit} bytes (declared {declared}); not read further")]
    TooLarge { declared: u64, limit: u64 },
    #[error("member is a symbolic link to `{target}`; pip installs it as a text file, not a link")]
    Symlink { target: String },
    #[error("member is encrypted")]
    Encrypted,
    #[error("cannot read member: {0}")]
    Io(#[from] io::Error),
}

/// No real extension module comes near this; a member inflating past it
/// (a zip bomb declares a tiny size) is cut off rather than read on.
pub const MEMBER_LIMIT: u64 = 1 << 30;

/// Members inflating past [`IN_MEMORY_LIMIT`] are read through a nameless
/// temporary file; see [`Bytes::read_to_end`].
pub use crate::mapped::IN_MEMORY_LIMIT;

/// What [`map_binary_members`] calls for each member: its name, and its
/// contents (read as far as they are asked for) or why they could not be read.
pub type OnMember<'a, T> = dyn Fn(&str, Result<&Member<'_>, WheelError>) -> T + Sync + 'a;

/// How much of a member was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberRead {
    /// The size the central directory declares.
    pub size: u64,
    /// Bytes inflated to answer what was asked (0 for a stored member,
    /// which is borrowed from the wheel as it is).
    pub inflated: u64,
}

/// What the wheel as a whole says about itself, besides its members.
pub struct Archive<T> {
    /// What `each` returned for every member whose name looks like a shared
    /// object, in central-directory order.
    pub members: Vec<T>,
    /// How much of each of those members was read, in the same order.
    pub read: Vec<MemberRead>,
    /// The central directory names some member more than once: installers
    /// keep whichever they write last, and only one copy is inspected.
    pub duplicate_names: bool,
}

/// Calls `each` with the name and contents of every member whose name looks
/// like a shared object. Members are read by up to `workers` threads, each
/// with its own view of the archive; the results keep the archive's order.
pub fn map_binary_members<T: Send>(
    wheel: &[u8],
    workers: usize,
    each: &OnMember<'_, T>,
) -> Result<Archive<T>, WheelError> {
    map_binary_members_within(wheel, MEMBER_LIMIT, workers, each)
}

/// [`map_binary_members`] with another cut-off than [`MEMBER_LIMIT`] for
/// what one member may inflate to.
pub fn map_binary_members_within<'w, T: Send>(
    wheel: &'w [u8],
    limit: u64,
    workers: usize,
    each: &OnMember<'_, T>,
) -> Result<Archive<T>, WheelError> {
    let archive = zip::ZipArchive::new(Cursor::new(wheel))?;
    let mut wanted = Vec::new();
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => name.into_owned(),
            Some(Err(e)) => {
                wanted.push((index, format!("#{index}"), Some(e)));
                continue;
            }
            None => continue,
        };
        if !name.ends_with('/') && crate::input::is_binary_name(&name) {
            wanted.push((index, name, None));
        }
    }
    let wanted = &wanted;
    let read = |archive: &mut zip::ZipArchive<Cursor<&'w [u8]>>, slot: usize| {
        let (index, name, unnamed) = &wanted[slot];
        if let Some(e) = unnamed {
            return (
                each(name, Err(WheelError::Zip(e.clone()))),
                MemberRead::default(),
            );
        }
        match member(archive, *index, wheel, limit) {
            Ok(member) => {
                let result = each(name, Ok(&member));
                (result, member.read())
            }
            Err(e) => (each(name, Err(e)), MemberRead::default()),
        }
    };
    let workers = workers.min(wanted.len());
    let members: Vec<(T, MemberRead)> = if workers <= 1 {
        let mut archive = archive.clone();
        (0..wanted.len())
            .map(|slot| read(&mut archive, slot))
            .collect()
    } else {
        let next = AtomicUsize::new(0);
        let mut done: Vec<(usize, (T, MemberRead))> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let mut archive = archive.clone();
                    let (next, read) = (&next, &read);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let slot = next.fetch_add(1, Ordering::Relaxed);
                            if slot >= wanted.len() {
                                break done;
                            }
                            done.push((slot, read(&mut archive, slot)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| match handle.join() {
                    Ok(done) => done,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        done.sort_by_key(|(slot, _)| *slot);
        done.into_iter().map(|(_, result)| result).collect()
    };
    let (members, read) = members.into_iter().unzip();
    Ok(Archive {
        members,
        read,
        duplicate_names: archive.has_duplicate_names(),
    })
}

fn member<'w, 'a>(
    archive: &'a mut zip::ZipArchive<Cursor<&'w [u8]>>,
    index: usize,
    wheel: &'w [u8],
    limit: u64,
) -> Result<Member<'a>, WheelError> {
    let entry = archive.by_index_raw(index)?;
    if entry.encrypted() {
        return Err(WheelError::Encrypted);
    }
    let stored = entry.compression() == CompressionMethod::Stored;
    let is_symlink = entry.is_symlink();
    let declared = entry.size();
    let range = entry
        .data_start()
        .map(|start| (start, entry.compressed_size()));
    drop(entry);
    if is_symlink {
        let bytes = match range.and_then(|range| stored.then(|| slice(wheel, range)).flatten()) {
            Some(bytes) => Bytes::Borrowed(bytes),
            None => inflate(&mut archive.by_index(index)?, declared, limit)?,
        };
        return Err(symlink(&bytes));
    }
    let member = match range.and_then(|range| stored.then(|| slice(wheel, range)).flatten()) {
        // Stored data is the member itself: borrow it from the mapped wheel.
        Some(bytes) => Member::Stored(bytes),
        None => Member::Inflating(Inflating::new(
            Box::new(archive.by_index(index)?),
            declared,
            limit,
        )?),
    };
    Ok(member)
}

/// A member's bytes, inflated only as far as they are asked for: a reader
/// that needs the first pages (an ELF file's dynamic view) never inflates
/// the rest. A deflate stream only goes forward, so the bytes go into one
/// reserved region that grows forward and never moves: what was handed out
/// stays valid while more is inflated behind it.
pub enum Member<'a> {
    Stored(&'a [u8]),
    Inflating(Inflating<'a>),
}

impl Member<'_> {
    /// The whole member (inflating the rest of it).
    pub fn all(&self) -> Result<&[u8], WheelError> {
        match self {
            Member::Stored(bytes) => Ok(bytes),
            Member::Inflating(inflating) => inflating.all(),
        }
    }

    /// Whether its bytes come from inflating, so that reading less saves work.
    pub fn is_inflating(&self) -> bool {
        matches!(self, Member::Inflating(_))
    }

    pub fn read(&self) -> MemberRead {
        match self {
            Member::Stored(bytes) => MemberRead {
                size: bytes.len() as u64,
                inflated: 0,
            },
            Member::Inflating(inflating) => MemberRead {
                size: inflating.declared,
                inflated: inflating.filled.get() as u64,
            },
        }
    }
}

impl binary::Source for Member<'_> {
    fn read(&self, offset: u64, size: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        match self {
            Member::Stored(bytes) => bytes.get(start..end),
            Member::Inflating(inflating) => inflating.upto(end).ok()?.get(start..end),
        }
    }
}

pub struct Inflating<'a> {
    stream: std::cell::RefCell<Box<dyn Read + 'a>>,
    /// Reserved address space, `limit + 1` bytes (pages are only backed as
    /// they are written); written only past `filled`, through `base`.
    region: memmap2::MmapMut,
    base: *mut u8,
    filled: std::cell::Cell<usize>,
    /// The stream ended (`Ok`), or failed: the failure is given to every
    /// later read that needs bytes past `filled`.
    ended: std::cell::RefCell<Option<Result<(), String>>>,
    declared: u64,
    limit: u64,
}

impl<'a> Inflating<'a> {
    fn new(stream: Box<dyn Read + 'a>, declared: u64, limit: u64) -> Result<Self, WheelError> {
        let reserve = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
        let mut region = memmap2::MmapOptions::new()
            .len(reserve.max(1))
            .no_reserve_swap()
            .map_anon()?;
        let base = region.as_mut_ptr();
        Ok(Inflating {
            stream: std::cell::RefCell::new(stream),
            region,
            base,
            filled: std::cell::Cell::new(0),
            ended: std::cell::RefCell::new(None),
            declared,
            limit,
        })
    }

    /// The bytes inflated so far, once they reach `end` or the stream ends.
    fn upto(&self, end: usize) -> Result<&[u8], WheelError> {
        // Exactly as far as asked: what a reader never asks for is never
        // inflated (the counted-bytes tests hold it to that).
        let capacity = self.region.len();
        while self.filled.get() < end && self.ended.borrow().is_none() {
            let filled = self.filled.get();
            let want = end.min(capacity) - filled;
            // SAFETY: `[filled, filled + want)` is inside the region and past
            // every slice handed out (those end at or before `filled`).
            let into = unsafe { std::slice::from_raw_parts_mut(self.base.add(filled), want) };
            match self.stream.borrow_mut().read(into) {
                Ok(0) => *self.ended.borrow_mut() = Some(Ok(())),
                Ok(n) => self.filled.set(filled + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => *self.ended.borrow_mut() = Some(Err(e.to_string())),
            }
            if self.filled.get() as u64 > self.limit {
                *self.ended.borrow_mut() = Some(Err(String::new()));
            }
        }
        if self.filled.get() < end
            && let Some(Err(e)) = &*self.ended.borrow()
        {
            return Err(self.failure(e));
        }
        // SAFETY: the first `filled` bytes were written and never change.
        Ok(unsafe { std::slice::from_raw_parts(self.base, self.filled.get()) })
    }

    fn failure(&self, error: &str) -> WheelError {
        if error.is_empty() {
            WheelError::TooLarge {
                declared: self.declared,
                limit: self.limit,
            }
        } else {
            WheelError::Io(io::Error::other(error.to_string()))
        }
    }

    fn all(&self) -> Result<&[u8], WheelError> {
        self.upto(usize::MAX)?;
        if let Some(Err(e)) = &*self.ended.borrow() {
            return Err(self.failure(e));
        }
        self.upto(0)
    }
}

fn slice(wheel: &[u8], (start, len): (u64, u64)) -> Option<&[u8]> {
    let start = usize::try_from(start).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    wheel.get(start..end)
}

/// The target is shown as it is (up to 200 bytes): a finding's message
/// replaces control characters itself.
fn symlink(target: &[u8]) -> WheelError {
    let target = String::from_utf8_lossy(&target[..target.len().min(200)]).into_owned();
    WheelError::Symlink { target }
}

fn inflate(reader: &mut dyn Read, declared: u64, limit: u64) -> Result<Bytes<'static>, WheelError> {
    Bytes::read_to_end(reader, declared, limit)?.ok_or(WheelError::TooLarge { declared, limit })
}
