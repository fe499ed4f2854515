//! `docs/samples.md`, generated from the sample headers so that it cannot drift
//! from them (a test compares the file with this output).

use std::fmt::Write;

use crate::catalog::{Language, Sample};

pub fn samples_markdown(samples: &[Sample]) -> String {
    let mut out = String::from(
        "# The sample corpus\n\n\
         <!-- Generated from the samples' header comments by \
         `cargo run -p sample-modules --bin build-samples -- --write-docs`; do not edit. -->\n\n\
         Real extension modules, good and deliberately broken, that the test-suite builds for \
         every interpreter found and proves against it (`tests/tests/c_samples.rs`, \
         `tests/tests/pyo3_samples.rs`). Each source file's header says what the inspector and \
         the harness must report.\n\n\
         | sample | module | language | Python | inspector must report | harness must report |\n\
         |---|---|---|---|---|---|\n",
    );
    for s in samples {
        let language = match s.language {
            Language::C => "C",
            Language::Pyo3 => "Rust (PyO3)",
        };
        let _ = writeln!(
            out,
            "| [{id}](#{id}) | `{module}` | {language} | {}.{}–{}.{} | {} | {} |",
            s.python.min.0,
            s.python.min.1,
            s.python.max.0,
            s.python.max.1,
            ids(&s.inspector),
            ids(&s.harness),
            id = s.id,
            module = s.module,
        );
    }
    for s in samples {
        let source = s
            .source
            .strip_prefix(crate::source_root())
            .unwrap_or(&s.source)
            .display();
        let _ = write!(
            out,
            "\n## {}\n\n`sample-modules/{source}`\n\n{}\n",
            s.id, s.description
        );
    }
    out
}

fn ids(ids: &[String]) -> String {
    if ids.is_empty() {
        "nothing".into()
    } else {
        ids.iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
