//! `docs/samples.md`, generated from the sample headers so that it cannot drift
//! from them (a test compares the file with this output).

use std::fmt::Write;

use crate::catalog::{Expected, Language, Sample, VersionRange};

/// The corpus `samples`, then the hostile samples of the tree
/// ([`crate::hostile_catalog`]).
pub fn samples_markdown(samples: &[Sample]) -> String {
    let mut out = String::from(
        "# The sample corpus\n\n\
         <!-- Generated from the samples' header comments by \
         `cargo run -p devtools -- generate`; do not edit. -->\n\n\
         Real extension modules, good and deliberately broken, that the test-suite builds for \
         every interpreter found and proves against it (`tests/tests/c_samples.rs`, \
         `tests/tests/pyo3_samples.rs`), and for CPython 3.14, 3.15, 3.14d and 3.15d inside the \
         Debian sid root of `tests/interpreters/sid-root` (`tests/tests/sid_root.rs` runs the \
         same tests there). Each source file's header says what the inspector and \
         the harness must report; a finding with versions after it, such as \
         `(3.12+)`, is expected on those versions only.\n\n",
    );
    table(&mut out, samples);
    sections(&mut out, samples, "##");
    let hostile = crate::hostile_catalog().unwrap_or_else(|e| panic!("{e}"));
    out.push_str(
        "\n## Hostile samples\n\n\
         Modules that attack the harness itself rather than show a bug it reports: they \
         leave processes running, write into their home directory. They are built on \
         demand (`sample_modules::build_hostile`) and are not part of the corpus, since the \
         tests that import every sample outside the harness must not start their processes; \
         `tests/tests/harness_hostile.rs` runs the harness on them \
         ([`security.md`](security.md)).\n\n",
    );
    table(&mut out, &hostile);
    sections(&mut out, &hostile, "###");
    out
}

fn table(out: &mut String, samples: &[Sample]) {
    out.push_str(
        "| sample | module | language | Python | inspector must report | harness must report |\n\
         |---|---|---|---|---|---|\n",
    );
    for s in samples {
        let language = match s.language {
            Language::C => "C",
            Language::Pyo3 => "Rust (PyO3)",
        };
        let _ = writeln!(
            out,
            "| [{id}](#{id}) | `{module}` | {language} | {} | {} | {} |",
            range(&s.python),
            expectations(&s.inspector),
            expectations(&s.harness),
            id = s.id,
            module = s.module,
        );
    }
}

fn sections(out: &mut String, samples: &[Sample], level: &str) {
    for s in samples {
        let source = s
            .source
            .strip_prefix(crate::source_root())
            .unwrap_or(&s.source)
            .display();
        let _ = write!(
            out,
            "\n{level} {}\n\n`sample-modules/{source}`\n\n{}\n",
            s.id, s.description
        );
    }
}

/// `3.8–3.13`, or `3.12+`.
fn range(range: &VersionRange) -> String {
    let (major, minor) = range.min;
    if range.is_open_ended() {
        format!("{major}.{minor}+")
    } else {
        format!("{major}.{minor}–{}.{}", range.max.0, range.max.1)
    }
}

/// `` `id` ``, or `` `id` (3.12+) `` when only some versions report it.
fn expectations(expected: &[Expected]) -> String {
    if expected.is_empty() {
        return "nothing".into();
    }
    expected
        .iter()
        .map(|e| {
            let qualifier: Vec<String> = e
                .versions
                .iter()
                .map(range)
                .chain(e.modes.iter().map(|m| m.name().to_string()))
                .collect();
            match qualifier.is_empty() {
                true => format!("`{}`", e.id),
                false => format!("`{}` ({})", e.id, qualifier.join(", ")),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
