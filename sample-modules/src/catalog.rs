//! The corpus as its sources describe it: every sample's header comment says
//! what the sample is (module name, supported versions, build variant) and what
//! the inspector and the harness must report about it.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use interpreters::Version;

use crate::BuildError;

/// The directory holding the sample sources (`c/`, `pyo3/`).
pub fn source_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    C,
    Pyo3,
}

/// `X.Y-X.Y`, inclusive at both ends; or `X.Y+`, open-ended, which has
/// [`VersionRange::NO_MAX`] for its `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRange {
    pub min: (u32, u32),
    pub max: (u32, u32),
}

impl VersionRange {
    /// The `max` of an open-ended range (`X.Y+`): later than any version.
    pub const NO_MAX: (u32, u32) = (u32::MAX, u32::MAX);

    /// `min` and every later version.
    pub const fn from(min: (u32, u32)) -> Self {
        Self {
            min,
            max: Self::NO_MAX,
        }
    }

    pub fn contains(&self, version: Version) -> bool {
        (self.min..=self.max).contains(&version.feature())
    }

    pub fn is_open_ended(&self) -> bool {
        self.max == Self::NO_MAX
    }
}

/// As headers write it: `3.8-3.13`, or `3.12+` when open-ended.
impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = self.min;
        if self.is_open_ended() {
            write!(f, "{major}.{minor}+")
        } else {
            write!(f, "{major}.{minor}-{}.{}", self.max.0, self.max.1)
        }
    }
}

/// A finding id the harness must report, on which Python versions and in
/// which runs: in a `harness:` line, `id` alone, or qualified by words in
/// parentheses: a version range, `id (3.12+)` or `id (3.8-3.11)`
/// (inclusive), and the runs that show it, `id (exercise)` or
/// `id (malloc-debug 3.12+)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub id: String,
    /// None: every version the sample supports.
    pub versions: Option<VersionRange>,
    /// Only runs with all of these show it (empty: the default run).
    pub modes: Vec<Mode>,
}

/// A harness run beyond the default scenarios, which some findings need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// The opt-in exercise scenario (`--scenario exercise`).
    Exercise,
    /// The debug allocator hooks: `--malloc-debug`, or a debug interpreter,
    /// where they are on by default.
    MallocDebug,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Exercise => "exercise",
            Mode::MallocDebug => "malloc-debug",
        }
    }

    fn parse(word: &str) -> Option<Mode> {
        [Mode::Exercise, Mode::MallocDebug]
            .into_iter()
            .find(|m| m.name() == word)
    }
}

impl Expected {
    /// Whether the finding is expected on `version` (given the sample supports it).
    pub fn applies_to(&self, version: Version) -> bool {
        self.versions.is_none_or(|range| range.contains(version))
    }
}

/// Which of the interpreter's suffixes a sample's file is named with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// The interpreter's own, version-tagged `EXT_SUFFIX`.
    Version,
    /// The stable ABI's `.abi3.so` (header `suffix: abi3`, or any `limited-api:`).
    Abi3,
    /// The free-threading stable ABI's `.abi3t.so` (header `suffix: abi3t`),
    /// which CPython 3.15 lists for every build.
    Abi3t,
}

/// One sample module, as its header describes it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Source file stem (C) or crate name (PyO3); unique in the corpus.
    pub id: String,
    pub language: Language,
    /// The import name the file is named for (may be non-ASCII).
    pub module: String,
    pub source: PathBuf,
    pub python: VersionRange,
    /// Named with the version tag or a stable ABI's suffix.
    pub suffix: Suffix,
    /// Compiled with `Py_LIMITED_API` set to this version.
    pub limited_api: Option<(u32, u32)>,
    pub links_libpython: bool,
    /// Check ids the inspector must report, in header order (empty: clean
    /// on every version); qualified by a version range as harness ids are
    /// (`abi3-candidate (3.9-3.13)`), never by a mode. See
    /// [`Sample::inspector_expected_on`].
    pub inspector: Vec<Expected>,
    /// Findings the harness must report, in header order (empty: clean on
    /// every version); see [`Sample::harness_expected_on`].
    pub harness: Vec<Expected>,
    /// The header's prose.
    pub description: String,
}

impl Sample {
    pub fn supports(&self, version: Version) -> bool {
        self.python.contains(version)
    }

    /// The check ids the inspector must report on the build for `version`,
    /// in header order: those with no qualifier and those whose range
    /// contains `version`.
    pub fn inspector_expected_on(&self, version: Version) -> Vec<&str> {
        self.inspector
            .iter()
            .filter(|e| e.applies_to(version))
            .map(|e| e.id.as_str())
            .collect()
    }

    /// The harness ids a default run expects on `version`, in header order:
    /// those with no qualifier and those whose range contains `version`.
    /// Whether the sample supports `version` at all is
    /// [`Sample::supports`]'s business.
    pub fn harness_expected_on(&self, version: Version) -> Vec<&str> {
        self.harness_expected(version, &[])
    }

    /// The harness ids a run with `modes` expects on `version`: as
    /// [`Sample::harness_expected_on`], plus those needing only these modes.
    pub fn harness_expected(&self, version: Version, modes: &[Mode]) -> Vec<&str> {
        self.harness
            .iter()
            .filter(|e| e.applies_to(version) && e.modes.iter().all(|m| modes.contains(m)))
            .map(|e| e.id.as_str())
            .collect()
    }

    /// Named with a stable ABI's suffix (`.abi3.so`, `.abi3t.so`) instead of
    /// the version tag.
    pub fn stable_abi_suffix(&self) -> bool {
        self.suffix != Suffix::Version
    }

    /// The module's file name for a platform whose version-tagged suffix is
    /// `ext_suffix` and whose stable-ABI suffix is `abi3_suffix` (an abi3t
    /// sample is named `.abi3t.so`, which only Linux and macOS have).
    pub fn file_name(&self, ext_suffix: &str, abi3_suffix: &str) -> String {
        let suffix = match self.suffix {
            Suffix::Version => ext_suffix,
            Suffix::Abi3 => abi3_suffix,
            Suffix::Abi3t => ".abi3t.so",
        };
        format!("{}{suffix}", self.module)
    }
}

/// Every sample in the corpus, C first, each group sorted by id.
pub fn catalog() -> Result<Vec<Sample>, BuildError> {
    let root = source_root();
    let mut samples = c_samples(&root.join("c"))?;
    for dir in sorted_entries(&root.join("pyo3"))? {
        let lib = dir.join("src/lib.rs");
        if lib.is_file() {
            let text = read(&lib)?;
            let header = rust_header(&text).ok_or_else(|| missing_header(&lib))?;
            samples.push(parse(&lib, stem(&dir), Language::Pyo3, &header)?);
        }
    }
    Ok(samples)
}

/// The hostile samples (`hostile/*.c`), sorted by id: modules that attack
/// the harness itself (they fork, daemonise, write into their home) rather
/// than show a bug the harness reports. They are not in the corpus: tests
/// that import every sample outside the harness must not start their
/// processes. [`crate::build_hostile`] builds them.
pub fn hostile_catalog() -> Result<Vec<Sample>, BuildError> {
    c_samples(&source_root().join("hostile"))
}

fn c_samples(dir: &Path) -> Result<Vec<Sample>, BuildError> {
    let mut samples = Vec::new();
    for path in sorted_entries(dir)? {
        if path.extension().is_some_and(|e| e == "c") {
            let text = read(&path)?;
            let header = c_header(&text).ok_or_else(|| missing_header(&path))?;
            samples.push(parse(&path, stem(&path), Language::C, &header)?);
        }
    }
    Ok(samples)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, BuildError> {
    let entries = fs::read_dir(dir).map_err(|e| BuildError::io(dir, e))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, BuildError> {
    fs::read_to_string(path).map_err(|e| BuildError::io(path, e))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

fn missing_header(path: &Path) -> BuildError {
    BuildError::Header {
        path: path.to_path_buf(),
        message: "the file must open with its header comment".into(),
    }
}

/// The lines of the leading `/* ... */` comment, without the ` * ` margin.
fn c_header(text: &str) -> Option<Vec<String>> {
    let body = text.trim_start().strip_prefix("/*")?;
    let body = &body[..body.find("*/")?];
    Some(
        body.lines()
            .map(|l| {
                let l = l.trim();
                l.strip_prefix('*').unwrap_or(l).trim().to_owned()
            })
            .collect(),
    )
}

/// The leading `//!` lines.
fn rust_header(text: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = text
        .lines()
        .map_while(|l| l.trim().strip_prefix("//!"))
        .map(|l| l.trim().to_owned())
        .collect();
    (!lines.is_empty()).then_some(lines)
}

fn parse(
    path: &Path,
    id: String,
    language: Language,
    lines: &[String],
) -> Result<Sample, BuildError> {
    let bad = |message: String| BuildError::Header {
        path: path.to_path_buf(),
        message,
    };
    let mut module = None;
    let mut python = None;
    let mut suffix = None;
    let mut sample = Sample {
        id,
        language,
        module: String::new(),
        source: path.to_path_buf(),
        python: VersionRange {
            min: (0, 0),
            max: (0, 0),
        },
        suffix: Suffix::Version,
        limited_api: None,
        links_libpython: false,
        inspector: Vec::new(),
        harness: Vec::new(),
        description: String::new(),
    };
    // Keys come first, one per line; the first blank line after them starts the prose.
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines[start..]
        .iter()
        .position(|l| l.is_empty())
        .map_or(lines.len(), |p| start + p);
    for line in &lines[start..end] {
        let Some((key, value)) = line.split_once(':') else {
            return Err(bad(format!("expected `key: value`, found {line:?}")));
        };
        let value = value.trim();
        match key.trim() {
            "module" => module = Some(value.to_owned()),
            "python" => {
                python = Some(
                    parse_qualifier(value)
                        .ok_or_else(|| bad(format!("bad python range {value:?}")))?,
                )
            }
            "suffix" if value == "abi3" => suffix = Some(Suffix::Abi3),
            "suffix" if value == "abi3t" => suffix = Some(Suffix::Abi3t),
            "limited-api" => {
                sample.limited_api = Some(
                    parse_version(value)
                        .ok_or_else(|| bad(format!("bad limited-api {value:?}")))?,
                );
            }
            "links" if value == "libpython" => sample.links_libpython = true,
            "inspector" => {
                sample.inspector = expectations(value)
                    .map_err(|e| bad(e.replacen("harness:", "inspector:", 1)))?;
                if let Some(e) = sample.inspector.iter().find(|e| !e.modes.is_empty()) {
                    return Err(bad(format!(
                        "inspector: `{}` is qualified by a run mode; the inspector has none",
                        e.id
                    )));
                }
            }
            "harness" => sample.harness = expectations(value).map_err(bad)?,
            other => return Err(bad(format!("unknown key {other:?} (or value {value:?})"))),
        }
    }
    // A limited-API module is named for the stable ABI unless told which one.
    sample.suffix = suffix.unwrap_or(if sample.limited_api.is_some() {
        Suffix::Abi3
    } else {
        Suffix::Version
    });
    sample.module = module.ok_or_else(|| bad("no `module:` line".into()))?;
    sample.python = python.ok_or_else(|| bad("no `python:` line".into()))?;
    for (key, expected) in sample
        .harness
        .iter()
        .map(|e| ("harness", e))
        .chain(sample.inspector.iter().map(|e| ("inspector", e)))
    {
        if let Some(range) = expected.versions
            && (range.max < sample.python.min || range.min > sample.python.max)
        {
            return Err(bad(format!(
                "{key}: `{}` is qualified ({range}) for no version in python: {}",
                expected.id, sample.python
            )));
        }
    }
    sample.description = lines[end..].join("\n").trim().to_owned();
    Ok(sample)
}

/// A `harness:` (or `inspector:`) value: comma-separated ids, each
/// optionally qualified with a version range (`X.Y+`, `X.Y-X.Y`) and modes
/// (`exercise`, `malloc-debug`) in parentheses; `clean` alone means none.
fn expectations(value: &str) -> Result<Vec<Expected>, String> {
    if value.trim() == "clean" {
        return Ok(Vec::new());
    }
    value.split(',').map(expectation).collect()
}

fn expectation(item: &str) -> Result<Expected, String> {
    let item = item.trim();
    let (id, versions, modes) = match item.split_once('(') {
        None => (item, None, Vec::new()),
        Some((id, rest)) => {
            let qualifier = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("harness: {item:?} must end with its `)`"))?;
            let mut versions = None;
            let mut modes = Vec::new();
            for word in qualifier.split_whitespace() {
                if let Some(mode) = Mode::parse(word) {
                    modes.push(mode);
                } else if let (None, Some(range)) = (versions, parse_qualifier(word)) {
                    versions = Some(range);
                } else {
                    return Err(format!(
                        "harness: bad qualifier `{word}` on {:?}: write a version range \
                         (X.Y+ or X.Y-X.Y, once) and modes (exercise, malloc-debug)",
                        id.trim()
                    ));
                }
            }
            if versions.is_none() && modes.is_empty() {
                return Err(format!("harness: empty qualifier on {:?}", id.trim()));
            }
            (id.trim_end(), versions, modes)
        }
    };
    let well_formed = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !well_formed || id == "clean" {
        return Err(format!(
            "harness: {item:?} is not a finding id (lower-case words joined by `-`), \
             or `clean` alone"
        ));
    }
    Ok(Expected {
        id: id.to_owned(),
        versions,
        modes,
    })
}

/// `X.Y+` or `X.Y-X.Y` with the minimum first.
fn parse_qualifier(text: &str) -> Option<VersionRange> {
    let text = text.trim();
    let range = match text.strip_suffix('+') {
        Some(min) => VersionRange::from(parse_version(min)?),
        None => parse_range(text)?,
    };
    (range.min <= range.max).then_some(range)
}

fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn parse_range(text: &str) -> Option<VersionRange> {
    let (min, max) = text.split_once('-')?;
    Some(VersionRange {
        min: parse_version(min)?,
        max: parse_version(max)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_prose() {
        let text = "/*\n * module:    café\n * python:    3.8-3.13\n * suffix: abi3\n * inspector: a, b\n * harness:   clean\n *\n * Prose here.\n * More.\n */\nint x;";
        let lines = c_header(text).unwrap();
        let s = parse(Path::new("x.c"), "x".into(), Language::C, &lines).unwrap();
        assert_eq!(s.module, "café");
        assert_eq!(
            s.python,
            VersionRange {
                min: (3, 8),
                max: (3, 13)
            }
        );
        assert_eq!(s.suffix, Suffix::Abi3);
        assert_eq!(s.inspector_expected_on(Version::new(3, 12, 0)), ["a", "b"]);
        assert!(s.harness.is_empty());
        assert!(s.harness_expected_on(Version::new(3, 12, 0)).is_empty());
        assert_eq!(s.description, "Prose here.\nMore.");
        assert!(s.supports(Version::new(3, 13, 0)));
        assert!(!s.supports(Version::new(3, 14, 0)));
        assert!(!s.supports(Version::new(3, 7, 9)));
    }

    #[test]
    fn open_ended_ranges_and_stable_abi_suffixes() {
        let sample = |keys: &str| {
            let text = format!("/* module: m\n python: 3.15+\n{keys}\n */");
            parse(
                Path::new("x.c"),
                "x".into(),
                Language::C,
                &c_header(&text).unwrap(),
            )
            .unwrap()
        };
        let s = sample("suffix: abi3t\n limited-api: 3.15");
        assert_eq!(s.python, VersionRange::from((3, 15)));
        assert!(s.supports(Version::new(3, 15, 2)) && !s.supports(Version::new(3, 14, 10)));
        assert_eq!(s.suffix, Suffix::Abi3t);
        assert_eq!(s.limited_api, Some((3, 15)));
        assert_eq!(
            s.file_name(".cpython-315-x86_64-linux-gnu.so", ".abi3.so"),
            "m.abi3t.so"
        );
        assert_eq!(sample("limited-api: 3.8").suffix, Suffix::Abi3);
        assert_eq!(sample("suffix: abi3").suffix, Suffix::Abi3);
        let plain = sample("harness: clean");
        assert_eq!(plain.suffix, Suffix::Version);
        assert_eq!(
            plain.file_name(".cpython-315d-x86_64-linux-gnu.so", ".abi3.so"),
            "m.cpython-315d-x86_64-linux-gnu.so"
        );
    }

    #[test]
    fn inspector_ids_take_version_qualifiers_and_no_modes() {
        let sample = |value: &str| {
            let text = format!("/* module: m\n python: 3.9+\n inspector: {value}\n */");
            parse(
                Path::new("x.c"),
                "x".into(),
                Language::C,
                &c_header(&text).unwrap(),
            )
        };
        let s = sample("single-phase-init, abi3-candidate (3.9-3.13)").unwrap();
        let on = |minor| s.inspector_expected_on(Version::new(3, minor, 0));
        assert_eq!(on(13), ["single-phase-init", "abi3-candidate"]);
        assert_eq!(on(14), ["single-phase-init"]);
        assert!(sample("clean").unwrap().inspector.is_empty());
        for (value, complaint) in [
            ("x (exercise)", "qualified by a run mode"),
            (
                "x (3.6-3.8)",
                "inspector: `x` is qualified (3.6-3.8) for no version",
            ),
            ("clean, x", "inspector: \"clean\" is not a finding id"),
        ] {
            let err = sample(value).unwrap_err().to_string();
            assert!(err.contains(complaint), "{value}: {err}");
        }
    }

    #[test]
    fn unknown_keys_are_errors() {
        let lines = c_header("/* module: m\n python: 3.8-3.9\n colour: red\n */").unwrap();
        let err = parse(Path::new("x.c"), "x".into(), Language::C, &lines).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    fn harness_of(value: &str) -> Result<Sample, BuildError> {
        let text = format!("/* module: m\n python: 3.8-3.13\n harness: {value}\n */");
        parse(
            Path::new("dir/m.c"),
            "m".into(),
            Language::C,
            &c_header(&text).unwrap(),
        )
    }

    fn expected(id: &str, versions: Option<VersionRange>) -> Expected {
        Expected {
            id: id.into(),
            versions,
            modes: Vec::new(),
        }
    }

    #[test]
    fn harness_ids_take_mode_qualifiers() {
        let s =
            harness_of("call-leak (exercise), memory-corruption (malloc-debug 3.12+), x").unwrap();
        assert_eq!(s.harness[0].modes, [Mode::Exercise]);
        assert_eq!(s.harness[1].modes, [Mode::MallocDebug]);
        assert_eq!(s.harness[1].versions, Some(VersionRange::from((3, 12))));
        let v = |minor| Version::new(3, minor, 0);
        assert_eq!(s.harness_expected_on(v(12)), ["x"]);
        assert_eq!(
            s.harness_expected(v(12), &[Mode::Exercise]),
            ["call-leak", "x"]
        );
        assert_eq!(
            s.harness_expected(v(12), &[Mode::MallocDebug]),
            ["memory-corruption", "x"]
        );
        assert_eq!(s.harness_expected(v(11), &[Mode::MallocDebug]), ["x"]);
        for bad in ["x (fast)", "x ()", "x (3.8+ 3.9+)"] {
            assert!(harness_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn harness_ids_take_version_qualifiers() {
        let s = harness_of(
            "singleton-state, subinterpreter-refused (3.12+), x(3.8-3.11), y ( 3.9-3.9 )",
        )
        .unwrap();
        let range = |min, max| Some(VersionRange { min, max });
        assert_eq!(
            s.harness,
            [
                expected("singleton-state", None),
                expected("subinterpreter-refused", Some(VersionRange::from((3, 12)))),
                expected("x", range((3, 8), (3, 11))),
                expected("y", range((3, 9), (3, 9))),
            ]
        );
        let on = |minor| s.harness_expected_on(Version::new(3, minor, 1));
        assert_eq!(on(8), ["singleton-state", "x"]);
        assert_eq!(on(9), ["singleton-state", "x", "y"]);
        assert_eq!(on(11), ["singleton-state", "x"]);
        assert_eq!(on(12), ["singleton-state", "subinterpreter-refused"]);
        assert_eq!(on(13), ["singleton-state", "subinterpreter-refused"]);
        assert!(VersionRange::from((3, 12)).contains(Version::new(3, 99, 0)));
        assert!(VersionRange::from((3, 12)).contains(Version::new(4, 0, 0)));
        assert_eq!(VersionRange::from((3, 12)).to_string(), "3.12+");
        assert_eq!(s.harness[2].versions.unwrap().to_string(), "3.8-3.11");
    }

    #[test]
    fn clean_means_no_harness_findings() {
        assert!(harness_of("clean").unwrap().harness.is_empty());
        assert!(harness_of("  clean ").unwrap().harness.is_empty());
    }

    #[test]
    fn malformed_harness_lines_are_header_errors_naming_the_file() {
        for (value, complaint) in [
            ("x (3.12", "must end with its `)`"),
            ("x (3.12)", "bad qualifier `3.12`"),
            ("x (3.12-)", "bad qualifier"),
            ("x (-3.11)", "bad qualifier"),
            ("x (3.11-3.8)", "bad qualifier"),
            ("x (3.x+)", "bad qualifier"),
            ("x ()", "empty qualifier"),
            ("x (3.12+) (3.8-3.9)", "bad qualifier"),
            ("x (3.12+ 3.8-3.9)", "bad qualifier `3.8-3.9`"),
            ("x (fast)", "bad qualifier `fast`"),
            ("x 3.12+)", "is not a finding id"),
            ("(3.12+)", "is not a finding id"),
            ("a, , b", "is not a finding id"),
            ("Singleton", "is not a finding id"),
            ("clean, x", "is not a finding id"),
            ("clean (3.12+)", "is not a finding id"),
            ("x (3.14+)", "for no version in python: 3.8-3.13"),
            ("x (3.6-3.7)", "for no version"),
        ] {
            let err = harness_of(value).unwrap_err().to_string();
            assert!(
                err.starts_with("dir/m.c: bad sample header"),
                "{value}: {err}"
            );
            assert!(err.contains(complaint), "{value}: {err}");
        }
    }

    #[test]
    fn every_sample_in_the_tree_parses() {
        let samples = catalog().unwrap();
        assert!(samples.iter().any(|s| s.language == Language::C));
        let hostile = hostile_catalog().unwrap();
        assert!(!hostile.is_empty());
        let mut ids: Vec<_> = samples
            .iter()
            .chain(&hostile)
            .map(|s| s.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            samples.len() + hostile.len(),
            "sample ids must be unique"
        );
    }
}
