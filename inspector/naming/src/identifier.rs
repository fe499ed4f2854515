//! Python's `str.isidentifier()`.

/// Python's `str.isidentifier()`: XID_Start or `_`, then XID_Continue, with
/// no NFKC normalisation (the parser normalises source; this does not).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first == '_' || unicode_ident::is_xid_start(first) => {}
        _ => return false,
    }
    chars.all(unicode_ident::is_xid_continue)
}

/// Whether CPython's loader can load a module of this name: it builds the
/// init symbol from the name (`PyInit_<name>`, or `PyInitU_` and its
/// punycode), so every character must be one a C identifier (or punycode)
/// can carry, though perhaps not as the first. Python identifier syntax is
/// the `import` statement's rule, not the loader's: importlib loads mypyc's
/// `81d243bd2c585b0f4821__mypyc` and CPython's own test module
/// `＿インポートテスト` (starting with U+FF3F).
pub fn is_loadable_name(name: &str) -> bool {
    is_identifier_text(name)
}

/// Every character may appear in an identifier, though perhaps not first.
pub(crate) fn is_identifier_text(name: &str) -> bool {
    !name.is_empty() && name.chars().all(unicode_ident::is_xid_continue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["a", "_", "_x1", "café", "模块", "℘", "x·y", "Ωmega"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a.b", "a b", "·x", "＿x", "x$", "😀"] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(is_identifier_text("＿インポートテスト"));
        assert!(!is_identifier_text("a-b"));
        assert!(!is_identifier_text(""));
        assert!(is_loadable_name("81d243bd2c585b0f4821__mypyc"));
        assert!(!is_loadable_name("my-module") && !is_loadable_name("a.b"));
    }
}
