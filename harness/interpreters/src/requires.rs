//! `requires-python` (PEP 440 version specifiers, as `[project]` writes
//! them) held against an interpreter's version: which of the interpreters
//! found a project supports. The candidates are final releases `X.Y.Z`,
//! so what PEP 440 says about admitting pre-releases never applies; the
//! specifiers themselves may name any PEP 440 version (`>=3.8.0rc1`).

use std::cmp::Ordering;
use std::fmt;

use crate::Version;

/// A parsed `requires-python`: every clause must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requires {
    text: String,
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    op: Op,
    version: Pep440,
    /// `==3.8.*`, `!=3.8.*`.
    wildcard: bool,
    /// For `===`: the version as written.
    literal: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Compatible,
    Equal,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Less,
    Greater,
    Arbitrary,
}

/// A PEP 440 version without its local label, in the order PEP 440 sorts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pep440 {
    epoch: u64,
    release: Vec<u64>,
    /// (0 a, 1 b, 2 rc, number).
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
}

/// Why a `requires-python` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiresError {
    pub text: String,
    pub reason: String,
}

impl fmt::Display for RequiresError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a PEP 440 version specifier: {}",
            self.text, self.reason
        )
    }
}

impl std::error::Error for RequiresError {}

impl Requires {
    pub fn parse(text: &str) -> Result<Requires, RequiresError> {
        let error = |reason: String| RequiresError {
            text: text.to_string(),
            reason,
        };
        let mut clauses = Vec::new();
        // An empty string is the empty set of specifiers, which every
        // version satisfies (as `packaging` reads it).
        if !text.trim().is_empty() {
            for clause in text.split(',') {
                clauses.push(parse_clause(clause.trim()).map_err(error)?);
            }
        }
        Ok(Requires {
            text: text.trim().to_string(),
            clauses,
        })
    }

    /// The specifiers as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn contains(&self, version: Version) -> bool {
        let candidate = Pep440 {
            epoch: 0,
            release: vec![
                u64::from(version.major),
                u64::from(version.minor),
                u64::from(version.micro),
            ],
            pre: None,
            post: None,
            dev: None,
        };
        self.clauses
            .iter()
            .all(|clause| clause.contains(&candidate, version))
    }
}

impl fmt::Display for Requires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_clause(clause: &str) -> Result<Clause, String> {
    // Longest operators first: `===` before `==`, `<=` before `<`.
    const OPS: [(&str, Op); 8] = [
        ("===", Op::Arbitrary),
        ("~=", Op::Compatible),
        ("==", Op::Equal),
        ("!=", Op::NotEqual),
        ("<=", Op::LessEqual),
        (">=", Op::GreaterEqual),
        ("<", Op::Less),
        (">", Op::Greater),
    ];
    if clause.is_empty() {
        return Err("an empty clause between commas".to_string());
    }
    let (op, rest) = OPS
        .iter()
        .find_map(|(text, op)| clause.strip_prefix(text).map(|rest| (*op, rest.trim())))
        .ok_or_else(|| format!("`{clause}` has no operator (~=, ==, !=, <=, >=, <, >, ===)"))?;
    if rest.is_empty() {
        return Err(format!("`{clause}` has no version"));
    }
    if op == Op::Arbitrary {
        return Ok(Clause {
            op,
            version: Pep440::zero(),
            wildcard: false,
            literal: rest.to_string(),
        });
    }
    let (version_text, wildcard) = match rest.strip_suffix(".*") {
        Some(prefix) => (prefix, true),
        None => (rest, false),
    };
    if wildcard && !matches!(op, Op::Equal | Op::NotEqual) {
        return Err(format!("`{clause}`: only == and != take a .* suffix"));
    }
    let version = parse_version(version_text).map_err(|why| format!("`{clause}`: {why}"))?;
    if wildcard && (version.pre.is_some() || version.post.is_some() || version.dev.is_some()) {
        return Err(format!(
            "`{clause}`: a .* suffix follows a release number only"
        ));
    }
    if op == Op::Compatible && version.release.len() < 2 {
        return Err(format!("`{clause}`: ~= needs at least two release numbers"));
    }
    Ok(Clause {
        op,
        version,
        wildcard,
        literal: String::new(),
    })
}

/// A PEP 440 version in its normalised spellings: `v` prefix, epoch,
/// release, pre (`a`, `b`, `rc` and their aliases), post, dev, with `.`,
/// `-` or `_` separators. A local label (`+ubuntu`) is refused: no
/// `requires-python` needs one.
fn parse_version(text: &str) -> Result<Pep440, String> {
    let lower = text.to_ascii_lowercase();
    let mut s = lower.strip_prefix('v').unwrap_or(&lower);
    if s.contains('+') {
        return Err("a local version label (+...) has no place in requires-python".to_string());
    }
    let mut epoch = 0;
    if let Some((e, rest)) = s.split_once('!') {
        epoch = number(e)?;
        s = rest;
    }
    let release_end = s
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || (c == '.' && s[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
        })
        .map_or(s.len(), |(i, _)| i);
    let release = s[..release_end]
        .split('.')
        .map(number)
        .collect::<Result<Vec<u64>, String>>()?;
    let mut rest = &s[release_end..];
    let mut version = Pep440 {
        epoch,
        release,
        pre: None,
        post: None,
        dev: None,
    };
    // Each optional part: a separator, a keyword, an optional separator
    // and number (implicitly 0).
    let strip_sep = |r: &str| r.strip_prefix(['.', '-', '_']).unwrap_or(r).to_string();
    let take = |r: &str, words: &[&str]| -> Option<(usize, u64, String)> {
        let r = strip_sep(r);
        words.iter().enumerate().find_map(|(i, w)| {
            let after = r.strip_prefix(w)?;
            let after = after.strip_prefix(['.', '-', '_']).unwrap_or(after);
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let n = if digits == 0 {
                0
            } else {
                after[..digits].parse().ok()?
            };
            Some((i, n, after[digits..].to_string()))
        })
    };
    let owned;
    const PRE: [&str; 6] = ["alpha", "beta", "preview", "pre", "rc", "c"];
    const PRE_SHORT: [&str; 2] = ["a", "b"];
    if let Some((i, n, after)) = take(rest, &PRE) {
        let kind = match PRE[i] {
            "alpha" => 0,
            "beta" => 1,
            _ => 2,
        };
        version.pre = Some((kind, n));
        owned = after;
        rest = &owned;
    } else if let Some((i, n, after)) = take(rest, &PRE_SHORT) {
        version.pre = Some((i as u8, n));
        owned = after;
        rest = &owned;
    }
    let owned2;
    if let Some((_, n, after)) = take(rest, &["post", "rev", "r"]) {
        version.post = Some(n);
        owned2 = after;
        rest = &owned2;
    } else if let Some(after) = rest.strip_prefix('-')
        && !after.is_empty()
        && after.chars().all(|c| c.is_ascii_digit())
    {
        // `1.0-1`: the implicit post-release.
        version.post = Some(number(after)?);
        rest = "";
    }
    let owned3;
    if let Some((_, n, after)) = take(rest, &["dev"]) {
        version.dev = Some(n);
        owned3 = after;
        rest = &owned3;
    }
    if !rest.is_empty() {
        return Err(format!("`{text}` is not a version (at `{rest}`)"));
    }
    Ok(version)
}

fn number(text: &str) -> Result<u64, String> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{text}` is not a number"));
    }
    text.parse().map_err(|_| format!("`{text}` is too large"))
}

impl Pep440 {
    fn zero() -> Pep440 {
        Pep440 {
            epoch: 0,
            release: vec![0],
            pre: None,
            post: None,
            dev: None,
        }
    }

    /// The release padded with zeros to `len` numbers.
    fn padded(&self, len: usize) -> Vec<u64> {
        let mut release = self.release.clone();
        while release.len() < len {
            release.push(0);
        }
        release
    }

    /// PEP 440's order (packaging's `_cmpkey`).
    fn cmp(&self, other: &Pep440) -> Ordering {
        let len = self.release.len().max(other.release.len());
        // (dev-only release first; pre-releases; then the release itself)
        let pre_key = |v: &Pep440| match (v.pre, v.post, v.dev) {
            (None, None, Some(_)) => (0u8, 0u8, 0u64),
            (Some((kind, n)), ..) => (1, kind, n),
            (None, ..) => (2, 0, 0),
        };
        let post_key = |v: &Pep440| v.post.map_or((0u8, 0u64), |n| (1, n));
        let dev_key = |v: &Pep440| v.dev.map_or((1u8, 0u64), |n| (0, n));
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.padded(len).cmp(&other.padded(len)))
            .then_with(|| pre_key(self).cmp(&pre_key(other)))
            .then_with(|| post_key(self).cmp(&post_key(other)))
            .then_with(|| dev_key(self).cmp(&dev_key(other)))
    }

    /// `V.*`: the candidate's release, zero-padded, begins with `prefix`'s.
    fn has_prefix(&self, prefix: &Pep440) -> bool {
        self.epoch == prefix.epoch
            && self.padded(prefix.release.len())[..prefix.release.len()] == prefix.release[..]
    }
}

impl Clause {
    fn contains(&self, candidate: &Pep440, version: Version) -> bool {
        let ordering = candidate.cmp(&self.version);
        match self.op {
            Op::Arbitrary => self.literal == version.to_string(),
            Op::Equal if self.wildcard => candidate.has_prefix(&self.version),
            Op::NotEqual if self.wildcard => !candidate.has_prefix(&self.version),
            Op::Equal => ordering == Ordering::Equal,
            Op::NotEqual => ordering != Ordering::Equal,
            Op::LessEqual => ordering != Ordering::Greater,
            Op::GreaterEqual => ordering != Ordering::Less,
            // A final candidate is never a pre-release of the version, nor
            // one of its post-releases: plain order decides.
            Op::Less => ordering == Ordering::Less,
            Op::Greater => ordering == Ordering::Greater,
            Op::Compatible => {
                let mut prefix = self.version.clone();
                prefix.release.pop();
                prefix.pre = None;
                prefix.post = None;
                prefix.dev = None;
                ordering != Ordering::Less && candidate.has_prefix(&prefix)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn holds(spec: &str, version: (u32, u32, u32)) -> bool {
        Requires::parse(spec)
            .unwrap()
            .contains(Version::new(version.0, version.1, version.2))
    }

    #[test]
    fn each_operator() {
        assert!(holds(">=3.9", (3, 9, 0)));
        assert!(!holds(">=3.9", (3, 8, 18)));
        assert!(holds(">=3.8, <4", (3, 13, 0)));
        assert!(!holds(">=3.8,<3.12", (3, 12, 1)));
        assert!(holds(">=3.8,<3.12", (3, 11, 7)));
        assert!(!holds(">=3.8, !=3.9.*", (3, 9, 18)));
        assert!(holds(">=3.8, !=3.9.*", (3, 10, 0)));
        assert!(holds("~=3.10", (3, 13, 0)));
        assert!(!holds("~=3.10", (3, 9, 0)));
        assert!(!holds("~=3.10", (4, 0, 0)));
        assert!(holds("~=3.10.2", (3, 10, 5)));
        assert!(!holds("~=3.10.2", (3, 11, 0)));
        assert!(holds("==3.11.*", (3, 11, 7)));
        assert!(!holds("==3.11.*", (3, 12, 0)));
        assert!(holds("==3.*", (3, 6, 15)));
        assert!(holds("==3.11", (3, 11, 0)));
        assert!(!holds("==3.11", (3, 11, 7)));
        assert!(holds("!=3.11.0", (3, 11, 7)));
        assert!(holds("<=3.11", (3, 11, 0)));
        assert!(!holds("<=3.11", (3, 11, 1)));
        assert!(holds(">3.8", (3, 8, 1)));
        assert!(!holds(">3.8", (3, 8, 0)));
        assert!(holds("===3.12.1", (3, 12, 1)));
        assert!(!holds("===3.12", (3, 12, 0)));
        assert!(holds("", (2, 7, 18)));
        assert!(holds(" >= 3.9 , < 3.14 ", (3, 13, 0)));
    }

    #[test]
    fn specifiers_may_name_any_pep440_version() {
        assert!(holds(">=3.8.0rc1", (3, 8, 0)));
        assert!(!holds("<3.8.0rc1", (3, 8, 0)));
        assert!(holds("<3.8.0rc1", (3, 7, 16)));
        assert!(holds(">=3.8.dev0", (3, 8, 0)));
        assert!(!holds(">3.8.0.post1", (3, 8, 0)));
        assert!(holds(">=v3.9", (3, 9, 0)));
        assert!(!holds(">=1!3.0", (3, 13, 0)));
        assert!(holds("<3.12-1", (3, 12, 0)));
    }

    #[test]
    fn mistakes_are_errors() {
        for bad in [
            "3.9",
            ">=",
            ">=3.9,",
            ">=3.x",
            ">=3.9.*",
            "~=3",
            "==3.9+local",
            ">=3.9 <4",
            "=>3.9",
            "==3.9rc1.*",
        ] {
            assert!(Requires::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Requires::parse(">=3.x").unwrap_err().to_string(),
            "`>=3.x` is not a PEP 440 version specifier: `>=3.x`: `3.x` is not a version (at `.x`)"
        );
    }

    proptest! {
        /// Against the specifier's meaning written out for release numbers.
        #[test]
        fn release_specifiers_mean_what_they_say(
            a in 2u32..5, b in 0u32..20, c in 0u32..30,
            x in 2u32..5, y in 0u32..20, z in 0u32..30,
        ) {
            let s = (x, y, z);
            let t = (a, b, c);
            prop_assert_eq!(holds(&format!(">={x}.{y}.{z}"), t), t >= s);
            prop_assert_eq!(holds(&format!("<{x}.{y}.{z}"), t), t < s);
            prop_assert_eq!(holds(&format!(">{x}.{y}"), t), (a, b, c) > (x, y, 0));
            prop_assert_eq!(holds(&format!("<={x}.{y}"), t), (a, b, c) <= (x, y, 0));
            prop_assert_eq!(holds(&format!("=={x}.{y}.*"), t), (a, b) == (x, y));
            prop_assert_eq!(holds(&format!("!={x}.*"), t), a != x);
            prop_assert_eq!(holds(&format!("~={x}.{y}"), t), a == x && b >= y);
            prop_assert_eq!(holds(&format!("~={x}.{y}.{z}"), t), (a, b) == (x, y) && c >= z);
            prop_assert_eq!(
                holds(&format!(">={x}.{y}, !={a}.{b}.*"), t),
                false
            );
        }
    }
}
