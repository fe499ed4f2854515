//! Reading extension modules out of a wheel without extracting it. Nothing
//! a member's name says is ever used as a path, so `../../x.so`, `/etc/x.so`
//! or a duplicate name is only a label; one member is in memory at a time.

use std::io::{self, Cursor, Read};

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

/// What [`each_binary_member`] calls for each member: its name, and its
/// contents or why they could not be read.
pub type OnMember<'a> = dyn FnMut(&str, Result<&[u8], WheelError>) + 'a;

/// What the wheel as a whole says about itself, besides its members.
pub struct Archive {
    /// The central directory names some member more than once: installers
    /// keep whichever they write last, and only one copy is inspected.
    pub duplicate_names: bool,
}

/// Calls `each` with the name and contents of every member whose name looks
/// like a shared object, in central-directory order.
pub fn each_binary_member(wheel: &[u8], each: &mut OnMember<'_>) -> Result<Archive, WheelError> {
    each_binary_member_within(wheel, MEMBER_LIMIT, each)
}

/// [`each_binary_member`] with another cut-off than [`MEMBER_LIMIT`] for
/// what one member may inflate to.
pub fn each_binary_member_within(
    wheel: &[u8],
    limit: u64,
    each: &mut OnMember<'_>,
) -> Result<Archive, WheelError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(wheel))?;
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => name.into_owned(),
            Some(Err(e)) => {
                each(&format!("#{index}"), Err(e.into()));
                continue;
            }
            None => continue,
        };
        if name.ends_with('/') || !crate::input::is_binary_name(&name) {
            continue;
        }
        match member(&mut archive, index, wheel, limit) {
            Ok(bytes) => each(&name, Ok(&bytes)),
            Err(e) => each(&name, Err(e)),
        }
    }
    Ok(Archive {
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

fn symlink(target: &[u8]) -> WheelError {
    let target = String::from_utf8_lossy(&target[..target.len().min(200)])
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    WheelError::Symlink { target }
}

fn inflate(reader: &mut dyn Read, declared: u64, limit: u64) -> Result<Bytes<'static>, WheelError> {
    Bytes::read_to_end(reader, declared, limit)?.ok_or(WheelError::TooLarge { declared, limit })
}
