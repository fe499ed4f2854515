//! Escaping for workflow commands, exactly as GitHub's toolkit does it
//! (`actions/toolkit`, `packages/core/src/command.ts`: `escapeData` and
//! `escapeProperty`), which is what the runner unescapes.

/// A command's message: `%`, carriage return and newline percent-encoded,
/// so that the command stays on one line.
pub(super) fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as [`data`], plus `:` and `,`, which separate the
/// properties from the message and from each other.
pub(super) fn property(value: &str) -> String {
    data(value).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(property("C:\\x,y%\n"), "C%3A\\x%2Cy%25%0A");
        // `%` first, so an escape already in the text is not decoded later.
        assert_eq!(data("%0A"), "%250A");
    }
}
