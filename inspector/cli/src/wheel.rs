//! Reading extension modules out of a wheel without extracting it: members
//! are read into memory, so a hostile member name (`../../x.so`) is only
//! ever a label.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WheelError {
    #[error("cannot open wheel: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a readable zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("member {name} is {size} bytes, more than the {limit}-byte limit")]
    TooLarge { name: String, size: u64, limit: u64 },
}

/// No real extension module comes near this; a member claiming more is
/// refused rather than read into memory.
pub const MEMBER_LIMIT: u64 = 1 << 30;

/// A binary member of a wheel, or why it could not be read.
pub struct Member {
    pub name: String,
    pub bytes: Result<Vec<u8>, WheelError>,
}

/// Reads every member whose name looks like a shared object.
pub fn binary_members(path: &Path) -> Result<Vec<Member>, WheelError> {
    let mut archive = zip::ZipArchive::new(File::open(path)?)?;
    let mut members = Vec::new();
    for index in 0..archive.len() {
        let mut entry = match archive.by_index(index) {
            Ok(entry) => entry,
            Err(e) => {
                members.push(Member {
                    name: format!("#{index}"),
                    bytes: Err(e.into()),
                });
                continue;
            }
        };
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(e) => {
                members.push(Member {
                    name: format!("#{index}"),
                    bytes: Err(e.into()),
                });
                continue;
            }
        };
        if entry.is_dir() || !crate::input::is_binary_name(&name) {
            continue;
        }
        let size = entry.size();
        let bytes = if size > MEMBER_LIMIT {
            Err(WheelError::TooLarge {
                name: name.clone(),
                size,
                limit: MEMBER_LIMIT,
            })
        } else {
            let mut bytes = Vec::with_capacity(size as usize);
            // `take` guards against a header that understates the size.
            match (&mut entry).take(MEMBER_LIMIT + 1).read_to_end(&mut bytes) {
                Ok(_) if bytes.len() as u64 > MEMBER_LIMIT => Err(WheelError::TooLarge {
                    name: name.clone(),
                    size: bytes.len() as u64,
                    limit: MEMBER_LIMIT,
                }),
                Ok(_) => Ok(bytes),
                Err(e) => Err(WheelError::Io(e)),
            }
        };
        members.push(Member { name, bytes });
    }
    Ok(members)
}
