//! Shared by the integration tests: identifier strategies and finding CPython.

#![allow(dead_code)]

use std::path::PathBuf;

use proptest::char::range;
use proptest::prelude::*;

/// Characters from blocks that have been stable since long before any
/// CPython we compare against (its Unicode database may be older than
/// unicode-ident's), spanning the BMP and an astral plane.
pub fn pool_char() -> impl Strategy<Value = char> {
    prop_oneof![
        range('a', 'z'),
        range('A', 'Z'),
        range('0', '9'),
        Just('_'),
        range('\u{c0}', '\u{17f}'), // Latin-1 Supplement, Latin Extended-A
        range('\u{391}', '\u{3c9}'), // Greek
        range('\u{410}', '\u{44f}'), // Cyrillic
        range('\u{5d0}', '\u{5ea}'), // Hebrew
        range('\u{621}', '\u{63a}'), // Arabic
        range('\u{905}', '\u{94c}'), // Devanagari, with combining marks
        range('\u{3041}', '\u{3094}'), // Hiragana
        range('\u{30a1}', '\u{30fa}'), // Katakana
        range('\u{4e00}', '\u{9fa5}'), // CJK Unified Ideographs (Unicode 1.1)
        range('\u{ac00}', '\u{d7a3}'), // Hangul syllables
        range('\u{ff10}', '\u{ff3f}'), // Fullwidth digits, letters, low line
        range('\u{1d400}', '\u{1d6a5}'), // Mathematical alphanumerics
        Just('\u{b7}'),             // Other_ID_Continue
        Just('\u{2118}'),           // Other_ID_Start
    ]
}

fn start_char() -> impl Strategy<Value = char> {
    pool_char().prop_filter("XID_Start or _", |&c| {
        c == '_' || unicode_ident::is_xid_start(c)
    })
}

fn continue_char() -> impl Strategy<Value = char> {
    pool_char().prop_filter("XID_Continue", |&c| unicode_ident::is_xid_continue(c))
}

/// Identifiers of 1 to 20 characters: mostly mixed, some pure ASCII.
pub fn identifier() -> impl Strategy<Value = String> {
    let mixed = (start_char(), prop::collection::vec(continue_char(), 0..20))
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect());
    prop_oneof![3 => mixed, 1 => "[A-Za-z_][A-Za-z0-9_]{0,19}"]
}

/// Arbitrary short strings over the pool plus characters no identifier has.
pub fn maybe_identifier() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => pool_char(),
        1 => prop::sample::select(vec![' ', '-', '.', '$', '\u{1f600}', '\u{80}', '\u{2028}']),
    ];
    prop::collection::vec(ch, 0..10).prop_map(|cs| cs.into_iter().collect())
}

/// A CPython 3 to compare against: `$PYTHON3`, else `python3` on PATH.
/// Panics when there is none: the comparison must never pass silently.
pub fn python3() -> PathBuf {
    let candidate = std::env::var_os("PYTHON3").unwrap_or_else(|| "python3".into());
    let ok = std::process::Command::new(&candidate)
        .args(["-c", "import sys; assert sys.version_info >= (3, 7)"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "no usable CPython 3.7+ ({candidate:?}); set PYTHON3 or put python3 on PATH"
    );
    candidate.into()
}
