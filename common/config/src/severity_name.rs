use checkmeta::Severity;

/// The severity a configuration file names, spelt as [`Severity::name`]
/// spells it (the spelling of the tools' JSON output).
pub(crate) fn parse_severity(text: &str) -> Option<Severity> {
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|severity| severity.name() == text)
}

#[cfg(test)]
mod tests {
    use super::parse_severity;
    use checkmeta::Severity;

    #[test]
    fn reads_what_name_writes_and_nothing_else() {
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            assert_eq!(parse_severity(severity.name()), Some(severity));
        }
        assert_eq!(parse_severity("Error"), None);
        assert_eq!(parse_severity("fatal"), None);
    }
}
