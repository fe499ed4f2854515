//! Strings made safe for XML 1.0. Characters the standard forbids (C0
//! controls other than tab, newline and carriage return; U+FFFE and
//! U+FFFF; surrogates cannot occur in a Rust string) are dropped: they
//! cannot be written even as character references. Markup characters are
//! escaped, and in attributes the whitespace a parser would normalise to
//! spaces is written as character references, so that it reads back as
//! written.

/// Whether XML 1.0 allows `c` in a document (production `Char`).
fn allowed(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Character data: `&`, `<` and `>` escaped (`>` so that `]]>` cannot
/// appear), and carriage returns as `&#13;`, which a parser's end-of-line
/// handling would otherwise turn into newlines.
pub(super) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value, for quoting with `"`: the markup characters and the
/// quote escaped, tab, newline and carriage return as character references
/// (attribute-value normalisation would turn them into spaces).
pub(super) fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped() {
        let hostile = "a\u{0}b\u{1b}c\u{b}\u{c}\u{fffe}\u{ffff}d";
        assert_eq!(escape_text(hostile), "abcd");
        assert_eq!(escape_attribute(hostile), "abcd");
        let kept = " \u{d7ff}\u{e000}\u{fffd}\u{10000}";
        assert_eq!(escape_text(kept), kept);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape_text("a<b>&]]>\r\n"), "a&lt;b&gt;&amp;]]&gt;&#13;\n");
        assert_eq!(
            escape_attribute("\"x\"\t<&>\n\r'\u{7}"),
            "&quot;x&quot;&#9;&lt;&amp;&gt;&#10;&#13;'"
        );
    }
}
