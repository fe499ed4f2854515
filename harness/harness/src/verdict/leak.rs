//! The decision rule of CPython's leak hunter (`regrtest -R`,
//! `Lib/test/libregrtest/refleak.py`): after warm-up runs, a measure leaks
//! when every measured per-run delta of references or memory blocks is at
//! least 1 (a single quiet run means a cache settled, not a leak), or when
//! any delta of open file descriptors is not zero. What a leak is made of
//! comes from the probe's attribution pass ([`Attribution`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::report::Finding;

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

/// What the probe's attribution pass found (`attribute` in
/// `probe/common.py`): after measured runs that grew, the same action run
/// `runs` times more under `tracemalloc`, with the GC-tracked objects
/// counted by type before and after. Only what grew by at least one per
/// run is listed, the largest first, five at most.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    pub runs: u32,
    pub sites: Vec<Site>,
    pub types: Vec<SurvivingType>,
}

/// Memory blocks still held after the runs, by the Python traceback that
/// allocated them. tracemalloc sees Python frames only: for memory a C
/// function allocates, the innermost frame is the Python line that called
/// the function that allocated.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// The innermost frame, `file:line`.
    pub site: String,
    pub origin: Origin,
    /// Blocks and bytes more after the runs than before, in all.
    pub count: i64,
    pub size: i64,
    /// The traceback, innermost first (`<extharness probe>:LINE` for the
    /// probe's own frames).
    pub frames: Vec<String>,
}

/// Whose line a site's innermost frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The user's code: the workload, a test, a Python module.
    User,
    /// importlib's: an extension module's initialisation has no Python
    /// frame of its own, so what it allocates is put on the import system.
    Import,
    /// The probe's: the arguments the exercise scenario makes.
    Probe,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivingType {
    /// `module.QualName` (`list` for builtins).
    #[serde(rename = "type")]
    pub name: String,
    /// Objects more after the runs than before, in all.
    pub count: i64,
}

impl Attribution {
    /// The finding with this as evidence (`allocation_sites`,
    /// `surviving_types`, `attribution_runs`) and its message ending with
    /// the largest of each, when there is one.
    pub fn attach(&self, mut finding: Finding) -> Finding {
        let runs = i64::from(self.runs.max(1));
        let sites: Vec<Value> = self
            .sites
            .iter()
            .map(|s| {
                json!({
                    "site": s.site,
                    "origin": s.origin,
                    "blocks_per_run": per_run(s.count, runs),
                    "bytes_per_run": per_run(s.size, runs),
                    "frames": s.frames,
                })
            })
            .collect();
        let types: Vec<Value> = self
            .types
            .iter()
            .map(|t| json!({"type": t.name, "per_run": per_run(t.count, runs)}))
            .collect();
        if let Some(hint) = self.hint() {
            finding.message.push_str(&format!("; most: {hint}"));
        }
        finding
            .with("attribution_runs", self.runs)
            .with("allocation_sites", sites)
            .with("surviving_types", types)
    }

    /// `1 block/run allocated at <-c>:1, 3 list objects/run surviving`: the
    /// top site in the user's code (the probe's and importlib's lines would
    /// mislead in a message; the evidence has them) and the top type.
    pub fn hint(&self) -> Option<String> {
        let runs = i64::from(self.runs.max(1));
        let mut parts = Vec::new();
        if let Some(site) = self.sites.iter().find(|s| s.origin == Origin::User) {
            let n = per_run(site.count, runs);
            parts.push(format!(
                "{n} block{}/run allocated at {}",
                plural(&n),
                file_name(&site.site)
            ));
        }
        if let Some(kind) = self.types.first() {
            let n = per_run(kind.count, runs);
            parts.push(format!(
                "{n} {} object{}/run surviving",
                kind.name,
                plural(&n)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A total over `runs` as a number per run: whole when it divides, else
/// to one decimal.
fn per_run(total: i64, runs: i64) -> Value {
    if total % runs == 0 {
        Value::from(total / runs)
    } else {
        Value::from((total as f64 / runs as f64 * 10.0).round() / 10.0)
    }
}

fn plural(n: &Value) -> &'static str {
    if n.as_i64() == Some(1) { "" } else { "s" }
}

/// `workload.py:5` for `/home/me/project/workload.py:5`; `<-c>:1` as it is.
fn file_name(site: &str) -> &str {
    if site.starts_with('<') {
        return site;
    }
    site.rsplit('/').next().unwrap_or(site)
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

    fn attribution(value: Value) -> Attribution {
        Attribution::deserialize(value).unwrap()
    }

    #[test]
    fn the_hint_names_the_users_top_site_and_type() {
        let found = attribution(json!({
            "runs": 3,
            "sites": [
                {"site": "<extharness probe>:40", "origin": "probe", "count": 9, "size": 900, "frames": ["<extharness probe>:40"]},
                {"site": "/home/me/workload.py:5", "origin": "user", "count": 3, "size": 96, "frames": ["/home/me/workload.py:5", "<-c>:1"]},
            ],
            "types": [{"type": "list", "count": 4}, {"type": "spam.Eggs", "count": 3}],
        }));
        let finding = found.attach(Finding::new(
            &crate::verdict::call_leak::CallLeak::META,
            "the workload leaks",
        ));
        assert_eq!(
            finding.message,
            "the workload leaks; most: 1 block/run allocated at workload.py:5, 1.3 list objects/run surviving"
        );
        assert_eq!(finding.evidence["attribution_runs"], 3);
        let sites = &finding.evidence["allocation_sites"];
        assert_eq!(sites[0]["blocks_per_run"], 3);
        assert_eq!(sites[0]["origin"], "probe");
        assert_eq!(sites[1]["bytes_per_run"], 32);
        assert_eq!(sites[1]["frames"][1], "<-c>:1");
        assert_eq!(finding.evidence["surviving_types"][1]["type"], "spam.Eggs");
        assert_eq!(finding.evidence["surviving_types"][1]["per_run"], 1);
    }

    #[test]
    fn nothing_attributed_adds_no_hint_and_unknown_fields_are_refused() {
        let empty = attribution(json!({"runs": 3, "sites": [], "types": []}));
        assert_eq!(empty.hint(), None);
        let only_import = attribution(json!({"runs": 3, "sites": [
            {"site": "<frozen importlib._bootstrap>:228", "origin": "import", "count": 3, "size": 48, "frames": []}
        ], "types": []}));
        assert_eq!(only_import.hint(), None);
        let extra = json!({"runs": 3, "sites": [], "types": [], "top": 5});
        assert!(Attribution::deserialize(extra).is_err());
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
