//! The import scenario: import the module (`import.py` lists what it
//! defines and reads what it declares about the GIL and subinterpreters).
//! It runs first, on every interpreter that loads the module; a module that
//! does not import has nothing else to show. `import-error` is the
//! verdict's (any scenario's import can fail); `gil-required` is its own.

pub mod gil_required;

use checkmeta::CheckMeta;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::report::Finding;
use crate::verdict::import_error::ImportError;
use crate::verdict::{self, Context};
use gil_required::GilRequired;

/// The checks this scenario exists to find.
pub const CHECKS: &[CheckMeta] = &[ImportError::META, GilRequired::META];

#[derive(Deserialize)]
struct ImportResult {
    /// Absent from a probe older than the declared slots (never today),
    /// and from a module that did not import.
    #[serde(default)]
    declared: Option<Declared>,
}

/// What the module declares, as the probe read it (`import.py`:
/// `declared_slots`), and how.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Declared {
    /// The interpreter's feature version.
    pub version: [u32; 2],
    /// The name it was imported under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// `multi-phase` (a PyModuleDef with slots), `export-hook` (PEP 793's
    /// PySlot array), `single-phase`, or `unread`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// How the values were read, or why they could not be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    /// `Py_mod_gil`'s value by its macro's name; absent: no such slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_interpreters: Option<Value>,
    /// `Py_mod_abi`'s PyABIInfo (3.15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abi: Option<Value>,
    /// The binding generator, when it is one that writes `Py_mod_gil`
    /// only into free-threaded builds (Cython, pybind11, nanobind) and the
    /// slot is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_threaded: Option<bool>,
    /// `sys._is_gil_enabled()` once the module's package had imported and
    /// just before the module did, and after (free-threaded only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil_enabled_before: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil_enabled_after: Option<bool>,
    /// Reading failed (ctypes missing, a hook that returned NULL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The module imported: whether it would keep a free-threaded CPython on
/// the GIL.
pub fn judge_result(
    result: &Value,
    _context: Context,
    findings: &mut Vec<Finding>,
) -> Result<(), String> {
    let r: ImportResult = verdict::parse("import", result)?;
    if let Some(declared) = r.declared
        && let gil_required::Decision::Required(why) = gil_required::decide(&declared)
    {
        findings.push(gil_required::finding(&why, &declared));
    }
    Ok(())
}
