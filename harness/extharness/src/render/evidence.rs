//! A finding's evidence as short lines for people: every kind the harness
//! records has its own line, and nothing reaches the terminal as JSON (the
//! JSON report keeps the values as they are).

use serde_json::{Map, Value};

use super::stack;

/// How much of the evidence the text shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Detail {
    /// `--verbose`: every frame, every line of every message, and the
    /// evidence the message already gives.
    pub verbose: bool,
}

/// Evidence whose content the message already states: the objects a
/// re-import or a new runtime handed back, the signal, which measures
/// leaked and which were measured. `--verbose` shows them.
const IN_THE_MESSAGE: &[&str] = &[
    "same_objects",
    "stale_objects",
    "signal",
    "leaking",
    "measured",
];

/// Evidence that is a block of lines by nature and is shown whole: cutting
/// a traceback to its first line would keep only `Traceback (most recent
/// call last):`.
const BLOCKS: &[&str] = &["python_traceback", "stderr", "allocator_report"];

/// The evidence as `key: line` or `key:` over indented lines, `indent`
/// spaces in.
pub fn write(out: &mut String, evidence: &Map<String, Value>, indent: usize, detail: Detail) {
    let pad = " ".repeat(indent);
    let module_library = evidence
        .get("crash_site")
        .and_then(|site| site.get("library"))
        .and_then(Value::as_str)
        .map(|library| base_name(library).to_string());
    for (key, value) in evidence {
        if !detail.verbose && IN_THE_MESSAGE.contains(&key.as_str()) {
            continue;
        }
        let lines = lines(key, value, module_library.as_deref(), detail);
        match lines.as_slice() {
            [] => {}
            [line] => out.push_str(&format!("{pad}{key}: {line}\n")),
            lines => {
                out.push_str(&format!("{pad}{key}:\n"));
                for line in lines {
                    out.push_str(&format!("{pad}  {line}\n"));
                }
            }
        }
    }
}

/// One evidence value as lines.
pub fn lines(
    key: &str,
    value: &Value,
    module_library: Option<&str>,
    detail: Detail,
) -> Vec<String> {
    match (key, value) {
        ("native_stack", Value::Array(frames)) if frames.iter().all(Value::is_string) => {
            let frames: Vec<&str> = frames.iter().filter_map(Value::as_str).collect();
            if detail.verbose {
                frames.iter().map(|f| f.to_string()).collect()
            } else {
                stack::trim(&frames, module_library)
            }
        }
        ("crash_site", Value::Object(site)) => vec![crash_site(site)],
        (key, Value::String(text)) if BLOCKS.contains(&key) => {
            text.lines().map(str::to_string).collect()
        }
        (_, Value::String(text)) => vec![first_line(text, detail)],
        ("same_objects" | "stale_objects", Value::Array(objects)) => {
            vec![join(objects.iter().map(named_object))]
        }
        ("shape_deltas", Value::Array(shapes)) => shapes
            .iter()
            .map(|s| {
                let shape = s.get("shape").map(scalar).unwrap_or_default();
                let deltas = s.get("deltas").map(one_line).unwrap_or_default();
                format!("{shape}: {deltas}")
            })
            .collect(),
        ("allocation_sites", Value::Array(sites)) => sites.iter().map(allocation_site).collect(),
        ("surviving_types", Value::Array(types)) => vec![join(types.iter().map(|t| {
            format!(
                "{} {}/run",
                t.get("type").map(scalar).unwrap_or_default(),
                signed(t.get("per_run"))
            )
        }))],
        (_, value) => generic(value),
    }
}

/// `exec_module at /src/m.c:27 (m.cpython-312-x86_64-linux-gnu.so)`.
fn crash_site(site: &Map<String, Value>) -> String {
    let text = |key: &str| site.get(key).and_then(Value::as_str);
    let mut line = text("function")
        .unwrap_or("an unnamed function")
        .to_string();
    if let Some(file) = text("file") {
        line.push_str(&format!(" at {file}"));
        if let Some(number) = site.get("line").and_then(Value::as_u64) {
            line.push_str(&format!(":{number}"));
        }
    }
    if let Some(library) = text("library") {
        line.push_str(&format!(" ({})", base_name(library)));
    }
    line
}

/// `Error (exception)`, `Error (exception, from runtime 1, in runtime 2)`.
fn named_object(object: &Value) -> String {
    let name = object.get("name").map(scalar).unwrap_or_default();
    let mut about = vec![object.get("kind").map(scalar).unwrap_or_default()];
    match object.get("allocated_in") {
        Some(Value::Number(born)) => about.push(format!("from runtime {born}")),
        Some(Value::Null) => about.push("static, in the module's library".to_string()),
        _ => {}
    }
    if let Some(cycle) = object
        .get("cycle")
        .filter(|_| object.get("allocated_in").is_some())
    {
        about.push(format!("in runtime {}", scalar(cycle)));
    }
    about.retain(|part| !part.is_empty());
    format!("{name} ({})", about.join(", "))
}

/// `<-c>:1 (user): 1 block/run, 64 bytes/run`.
fn allocation_site(site: &Value) -> String {
    format!(
        "{} ({}): {} block(s)/run, {} bytes/run",
        site.get("site").map(scalar).unwrap_or_default(),
        site.get("origin").map(scalar).unwrap_or_default(),
        signed(site.get("blocks_per_run")),
        signed(site.get("bytes_per_run")),
    )
}

fn signed(value: Option<&Value>) -> String {
    match value {
        Some(Value::Number(n)) if n.as_f64().is_some_and(|n| n > 0.0) => format!("+{n}"),
        Some(value) => scalar(value),
        None => "?".to_string(),
    }
}

/// Any other value: a scalar as itself, a list of short scalars joined,
/// an object as `key value` pairs, a list of objects a line each.
fn generic(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) if items.iter().all(|v| v.is_object()) && !items.is_empty() => {
            items.iter().map(one_line).collect()
        }
        Value::Array(items) if items.iter().all(Value::is_string) => {
            let joined = join(items.iter().map(scalar));
            if joined.len() <= 100 {
                vec![joined]
            } else {
                items.iter().map(scalar).collect()
            }
        }
        Value::String(text) => text.lines().map(str::to_string).collect(),
        other => vec![one_line(other)],
    }
}

/// A value on one line without JSON's punctuation: `blocks 1 1 1;
/// bytes 64 64 64`, `cycle 2, exception ImportError: x`.
fn one_line(value: &Value) -> String {
    match value {
        Value::Array(items) => {
            if items.iter().all(|v| v.is_number()) {
                items.iter().map(scalar).collect::<Vec<_>>().join(" ")
            } else {
                join(items.iter().map(one_line))
            }
        }
        Value::Object(fields) => {
            let nested = fields.values().any(|v| v.is_object() || v.is_array());
            let parts = fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{} {}", k.replace('_', " "), one_line(v)));
            parts
                .collect::<Vec<_>>()
                .join(if nested { "; " } else { ", " })
        }
        other => scalar(other),
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.lines().next().unwrap_or("").to_string(),
        Value::Null => "none".to_string(),
        other => other.to_string(),
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

/// A message the module or a library wrote (an exception's text), cut to
/// its first line unless `--verbose`: numpy's import advice is twenty
/// lines, the first of which says what happened.
pub fn first_line(text: &str, detail: Detail) -> String {
    let mut lines = text.trim_end().lines();
    let first = lines.next().unwrap_or("").to_string();
    let more = lines.count();
    if detail.verbose || more == 0 {
        return text.trim_end().to_string();
    }
    format!(
        "{first} (… {more} more line{}; --verbose or --format json)",
        if more == 1 { "" } else { "s" }
    )
}

pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn shown(key: &str, value: Value) -> Vec<String> {
        lines(key, &value, None, Detail::default())
    }

    #[test]
    fn every_structured_kind_reads_as_words_not_json() {
        let cases = [
            (
                "same_objects",
                json!([{"kind": "exception", "name": "Error"}, {"kind": "function", "name": "f"}]),
                vec!["Error (exception), f (function)"],
            ),
            (
                "stale_objects",
                json!([
                    {"allocated_in": 1, "cycle": 2, "in_library": false, "kind": "exception", "name": "Error"},
                    {"allocated_in": null, "cycle": 2, "in_library": true, "kind": "type", "name": "T"}
                ]),
                vec![
                    "Error (exception, from runtime 1, in runtime 2), T (type, static, in the module's library, in runtime 2)",
                ],
            ),
            (
                "shape_deltas",
                json!([{"shape": "(0,)", "deltas": {"blocks": [1, 1], "references": [2, 2]}}]),
                vec!["(0,): blocks 1 1; references 2 2"],
            ),
            (
                "deltas",
                json!({"blocks": [1, 1, 1], "bytes": [64, 64, 64]}),
                vec!["blocks 1 1 1; bytes 64 64 64"],
            ),
            (
                "allocation_sites",
                json!([{"site": "<-c>:1", "origin": "user", "blocks_per_run": 1, "bytes_per_run": 64, "frames": ["<-c>:1"]}]),
                vec!["<-c>:1 (user): +1 block(s)/run, +64 bytes/run"],
            ),
            (
                "surviving_types",
                json!([{"type": "list", "per_run": 3}]),
                vec!["list +3/run"],
            ),
            (
                "stale_module",
                json!({"cycle": 2, "allocated_in": 1, "cleared": false}),
                vec!["allocated in 1, cleared false, cycle 2"],
            ),
            (
                "shared",
                json!(["Error", "error_type", "error_type()"]),
                vec!["Error, error_type, error_type()"],
            ),
            ("warmups", json!(2), vec!["2"]),
            (
                "crash_site",
                json!({"function": "exec_module", "file": "/src/m.c", "line": 27, "library": "/x/m.so"}),
                vec!["exec_module at /src/m.c:27 (m.so)"],
            ),
        ];
        for (key, value, want) in cases {
            let got = shown(key, value);
            assert_eq!(got, want, "{key}");
            for line in &got {
                assert!(!line.contains('{') && !line.contains('"'), "{key}: {line}");
            }
        }
    }

    #[test]
    fn a_long_message_is_cut_to_its_first_line_unless_verbose() {
        let advice = "Error importing numpy: you should not try to import numpy from\nits source directory\n\nmore advice";
        assert_eq!(
            first_line(advice, Detail::default()),
            "Error importing numpy: you should not try to import numpy from (… 3 more lines; --verbose or --format json)"
        );
        assert_eq!(first_line(advice, Detail { verbose: true }), advice);
        assert_eq!(first_line("one line\n", Detail::default()), "one line");
        assert_eq!(
            shown("exception", json!(advice)),
            [
                "Error importing numpy: you should not try to import numpy from (… 3 more lines; --verbose or --format json)"
            ]
        );
        // A traceback is a block: its first line alone says nothing.
        assert_eq!(shown("python_traceback", json!("a\nb")), ["a", "b"]);
    }
}
