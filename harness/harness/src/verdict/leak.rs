//! The decision rule of CPython's leak hunter (`regrtest -R`,
//! `Lib/test/libregrtest/refleak.py`): after warm-up runs, a measure leaks
//! when every measured per-run delta of references or memory blocks is at
//! least 1 (a single quiet run means a cache settled, not a leak), or when
//! any delta of open file descriptors is not zero.

use std::collections::BTreeMap;

use serde::Serialize;

/// Measured deltas, by measure name as the probe reports them:
/// `references` (debug builds only), `blocks`, `descriptors`.
pub type Measures = BTreeMap<String, Vec<i64>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The measures whose deltas show a leak.
    pub leaking: Vec<String>,
    /// Every measure the verdict rests on.
    pub measured: Vec<String>,
}

impl Verdict {
    pub fn leaks(&self) -> bool {
        !self.leaking.is_empty()
    }
}

pub fn judge(measures: &Measures) -> Verdict {
    let mut verdict = Verdict {
        leaking: Vec::new(),
        measured: Vec::new(),
    };
    for (name, deltas) in measures {
        if deltas.is_empty() {
            continue;
        }
        verdict.measured.push(name.clone());
        let leaks = if name == "descriptors" {
            deltas.iter().any(|d| *d != 0)
        } else {
            deltas.iter().all(|d| *d >= 1)
        };
        if leaks {
            verdict.leaking.push(name.clone());
        }
    }
    verdict
}

/// How a measure is named in messages.
pub fn measure_title(name: &str) -> &str {
    match name {
        "references" => "references",
        "blocks" => "memory blocks",
        "descriptors" => "file descriptors",
        other => other,
    }
}

/// Measures from literal deltas, for tests.
#[cfg(test)]
pub(crate) fn measures(items: &[(&str, &[i64])]) -> Measures {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regrtest_examples() {
        // refleak.py's own false positives and expected leaks.
        for quiet in [&[3, 0, 0][..], &[0, 1, 0], &[8, -8, 1]] {
            assert!(!judge(&measures(&[("references", quiet)])).leaks());
        }
        for leak in [&[5, 5, 6][..], &[10, 1, 1]] {
            assert!(judge(&measures(&[("references", leak)])).leaks());
        }
    }

    #[test]
    fn descriptors_leak_on_any_change_and_empty_measures_do_not_count() {
        let v = judge(&measures(&[
            ("blocks", &[0, 0, 0]),
            ("descriptors", &[0, 1, 0]),
            ("references", &[]),
        ]));
        assert_eq!(v.leaking, ["descriptors"]);
        assert_eq!(v.measured, ["blocks", "descriptors"]);
    }
}
