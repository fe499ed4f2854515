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

/// Every character may appear in an identifier, though perhaps not first.
/// CPython loads such names through importlib even when `isidentifier` is
/// false (its own test module `＿インポートテスト` starts with U+FF3F).
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
    }
}
