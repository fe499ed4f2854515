//! Module init symbols (Python/importdl.c) and their decoding.

use crate::identifier::is_identifier_text;

/// Which export convention a symbol follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitKind {
    /// `PyInit_<ascii name>`.
    PyInit,
    /// `PyInitU_<punycode>` for non-ASCII names.
    PyInitU,
    /// PEP 793 (3.15) `PyModExport_<ascii name>`.
    PyModExport,
    /// PEP 793 `PyModExportU_<punycode>`.
    PyModExportU,
    /// Python 2's `init<name>`.
    Python2,
}

/// A symbol decoded to the module name the loader would look it up for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InitExport {
    pub symbol: String,
    pub module: String,
    pub kind: InitKind,
}

/// `PyInit_<name>` or `PyInitU_<punycode>` for the last dotted component.
pub fn init_symbol(module: &str) -> String {
    hook_symbol("PyInit", module)
}

/// PEP 793's `PyModExport_<name>` / `PyModExportU_<punycode>`.
pub fn export_symbol(module: &str) -> String {
    hook_symbol("PyModExport", module)
}

/// Python 2's `init<name>` for the last dotted component.
pub fn python2_init_symbol(module: &str) -> String {
    format!("init{}", last_component(module))
}

fn last_component(module: &str) -> &str {
    module.rsplit('.').next().unwrap_or(module)
}

fn hook_symbol(prefix: &str, module: &str) -> String {
    let name = last_component(module);
    if name.is_ascii() {
        return format!("{prefix}_{name}");
    }
    // importdl.c: name.encode("punycode") with '-' -> '_'; no "xn--", no
    // nameprep. The encoder only fails on overflow, far beyond any real name.
    let encoded = idna::punycode::encode_str(name).unwrap_or_default();
    format!("{prefix}U_{}", encoded.replace('-', "_"))
}

/// Decode `PyInit_`/`PyInitU_`/`PyModExport_`/`PyModExportU_` symbols to the
/// module name (its last component). None for anything else, for ASCII names
/// with characters no identifier has, and for `U` forms whose punycode does
/// not decode, decodes to pure ASCII, to characters no identifier has, or
/// to a name that would not re-encode to exactly `symbol`.
pub fn decode_init_symbol(symbol: &str) -> Option<InitExport> {
    const FORMS: [(&str, InitKind, bool); 4] = [
        ("PyInit_", InitKind::PyInit, false),
        ("PyInitU_", InitKind::PyInitU, true),
        ("PyModExport_", InitKind::PyModExport, false),
        ("PyModExportU_", InitKind::PyModExportU, true),
    ];
    let (rest, kind, unicode) = FORMS
        .iter()
        .find_map(|&(prefix, kind, u)| Some((symbol.strip_prefix(prefix)?, kind, u)))?;
    let module = if unicode {
        decode_punycode_name(rest)?
    } else {
        rest.to_owned()
    };
    // Not `is_identifier`: CPython's own tests load `＿インポートテスト`.
    if !is_identifier_text(&module) || module.is_ascii() == unicode {
        return None;
    }
    let canonical = match kind {
        InitKind::PyModExport | InitKind::PyModExportU => export_symbol(&module),
        _ => init_symbol(&module),
    };
    (canonical == symbol).then(|| InitExport {
        symbol: symbol.to_owned(),
        module,
        kind,
    })
}

/// Decode Python 2's `init<name>`. Many unrelated C functions start with
/// "init", so use this only where a Python 2 module is expected.
pub fn decode_python2_init_symbol(symbol: &str) -> Option<InitExport> {
    let module = symbol.strip_prefix("init")?;
    // Python 2 module names and C identifiers are ASCII.
    (module.is_ascii() && is_identifier_text(module)).then(|| InitExport {
        symbol: symbol.to_owned(),
        module: module.to_owned(),
        kind: InitKind::Python2,
    })
}

fn decode_punycode_name(encoded: &str) -> Option<String> {
    // The basic code points may themselves contain '_', but the encoded
    // deltas are [a-z0-9] only, so the delimiter is the LAST '_'.
    let punycode = match encoded.rfind('_') {
        Some(at) => format!("{}-{}", &encoded[..at], &encoded[at + 1..]),
        None => encoded.to_owned(),
    };
    idna::punycode::decode_to_string(&punycode)
}

#[cfg(test)]
mod tests;
