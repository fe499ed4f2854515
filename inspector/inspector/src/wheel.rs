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
/// contents or why they could not be read.
pub type OnMember<'a, T> = dyn Fn(&str, Result<&[u8], WheelError>) -> T + Sync + 'a;

/// What the wheel as a whole says about itself, besides its members.
pub struct Archive<T> {
    /// What `each` returned for every member whose name looks like a shared
    /// object, in central-directory order.
    pub members: Vec<T>,
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
            return each(name, Err(WheelError::Zip(e.clone())));
        }
        match member(archive, *index, wheel, limit) {
            Ok(bytes) => each(name, Ok(&bytes)),
            Err(e) => each(name, Err(e)),
        }
    };
    let workers = workers.min(wanted.len());
    let members = if workers <= 1 {
        let mut archive = archive.clone();
        (0..wanted.len())
            .map(|slot| read(&mut archive, slot))
            .collect()
    } else {
        let next = AtomicUsize::new(0);
        let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
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
    Ok(Archive {
        members,
        duplicate_names: archive.has_duplicate_names(),
    })
}

fn member<'w>(
    archive: &mut zip::ZipArchive<Cursor<&'w [u8]>>,
    index: usize,
    wheel: &'w [u8],
    limit: u64,
) -> Result<Bytes<'w>, WheelError> {
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
    let bytes = match range.and_then(|range| stored.then(|| slice(wheel, range)).flatten()) {
        // Stored data is the member itself: borrow it from the mapped wheel.
        Some(bytes) => Bytes::Borrowed(bytes),
        None => inflate(&mut archive.by_index(index)?, declared, limit)?,
    };
    if is_symlink {
        return Err(symlink(&bytes));
    }
    Ok(bytes)
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
