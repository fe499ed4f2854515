//! What the caller hands the checks: one parsed file and where it came from.

use abi::PyVersion;
use binary::Binary;
use naming::WheelName;

/// Settings that change what the checks assume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `--abi3-min X.Y`: the oldest CPython an abi3 module must load in.
    pub abi3_min: Option<PyVersion>,
}

/// One binary under inspection.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The file's own name (no directories): the loader derives the module
    /// name and the ABI tag from it.
    pub file_name: &'a str,
    pub binary: &'a Binary,
    /// The wheel the file was read from, when it was.
    pub wheel: Option<&'a WheelName>,
    pub options: &'a Options,
}
