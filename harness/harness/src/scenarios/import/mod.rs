//! The import scenario: import the module (`import.py` lists what it
//! defines). It runs first, on every interpreter that loads the module; a
//! module that does not import has nothing else to show. Its one check,
//! `import-error`, is the verdict's: any scenario's import can fail.

use checkmeta::CheckMeta;
use serde_json::Value;

use crate::report::Finding;
use crate::verdict::Context;
use crate::verdict::import_error::ImportError;

/// The checks this scenario exists to find.
pub const CHECKS: &[CheckMeta] = &[ImportError::META];

/// The module imported: nothing more to judge.
pub fn judge_result(
    _result: &Value,
    _context: Context,
    _findings: &mut Vec<Finding>,
) -> Result<(), String> {
    Ok(())
}
