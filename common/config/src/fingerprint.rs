/// `tool|check|path|module|context`, context items joined by `,`. A `\`,
/// `|` or `,` inside a part is escaped with `\`, so that a separator inside
/// a part cannot make two identities one text.
pub(crate) fn fingerprint(
    tool: &str,
    check: &str,
    path: &str,
    module: Option<&str>,
    context: &[String],
) -> String {
    let context: Vec<String> = context.iter().map(|part| escape(part)).collect();
    format!(
        "{}|{}|{}|{}|{}",
        escape(tool),
        escape(check),
        escape(path),
        escape(module.unwrap_or_default()),
        context.join(",")
    )
}

fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if matches!(c, '\\' | '|' | ',') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn separators_inside_parts_do_not_make_two_identities_one() {
        let a = fingerprint("t", "c", "p|q", None, &[]);
        let b = fingerprint("t", "c", "p", Some("q"), &[]);
        assert_ne!(a, b);
        let c = fingerprint("t", "c", "p", None, &["a,b".to_owned()]);
        let d = fingerprint("t", "c", "p", None, &["a".to_owned(), "b".to_owned()]);
        assert_ne!(c, d);
    }
}
