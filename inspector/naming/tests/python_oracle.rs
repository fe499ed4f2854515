//! `init_symbol` and `is_identifier` agree with a real CPython's codec and
//! `str.isidentifier`, for many generated names checked in one process.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use naming::{init_symbol, is_identifier};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

const ORACLE: &str = r#"
import json, sys
for line in sys.stdin:
    n = json.loads(line)
    if n.isascii():
        sym = "PyInit_" + n
    else:
        sym = "PyInitU_" + n.encode("punycode").decode().replace("-", "_")
    print(json.dumps([sym, n.isidentifier()]))
"#;

fn sample<S: Strategy>(strategy: S, count: usize, runner: &mut TestRunner) -> Vec<S::Value> {
    (0..count)
        .map(|_| strategy.new_tree(runner).expect("strategy").current())
        .collect()
}

fn ask_python(names: &[String]) -> Vec<(String, bool)> {
    let mut child = Command::new(common::python3())
        .args(["-X", "utf8", "-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn python3");
    let input: String = names
        .iter()
        .map(|n| serde_json::to_string(n).unwrap() + "\n")
        .collect();
    let mut stdin = child.stdin.take().unwrap();
    // Write from a thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python3 output");
    writer.join().unwrap().expect("write to python3");
    assert!(output.status.success(), "python3 failed: {output:?}");
    let answers: Vec<(String, bool)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("python3 answer"))
        .collect();
    assert_eq!(answers.len(), names.len(), "python3 answered every name");
    answers
}

#[test]
fn agrees_with_cpython() {
    let mut runner = TestRunner::default();
    let identifiers = sample(common::identifier(), 3000, &mut runner);
    let mut names = identifiers.clone();
    names.extend(sample(common::maybe_identifier(), 1500, &mut runner));
    names.extend(
        [
            "",
            "1abc",
            "\u{ff3f}x",
            "a b",
            "_",
            "\u{2118}",
            "\u{b7}a",
            "caf\u{e9}",
            "模块",
        ]
        .map(String::from),
    );
    let answers = ask_python(&names);

    let mut mismatches = Vec::new();
    for (name, (symbol, identifier)) in names.iter().zip(&answers) {
        if is_identifier(name) != *identifier {
            mismatches.push(format!("{name:?}: isidentifier() is {identifier}"));
        }
        // Ours takes the last dotted component; the oracle does not.
        if !name.contains('.') && init_symbol(name) != *symbol {
            mismatches.push(format!(
                "{name:?}: CPython {symbol}, ours {}",
                init_symbol(name)
            ));
        }
    }
    let non_ascii = identifiers.iter().filter(|n| !n.is_ascii()).count();
    let non_identifiers = answers.iter().filter(|a| !a.1).count();
    assert!(
        non_ascii > 1000 && non_identifiers > 300,
        "the samples cover both cases"
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}
