//! Which CPython builds load which extension-module suffix: one table, each
//! row citing the CPython source it comes from. [`parse_filename`] says
//! what form a name has; this table says who lists that form in
//! `importlib.machinery.EXTENSION_SUFFIXES` (which `_bootstrap_external.py`
//! takes from `_imp.extension_suffixes()`, that is from
//! `_PyImport_DynLoadFiletab` in `Python/dynload_shlib.c` or
//! `Python/dynload_win.c`).
//!
//! [`parse_filename`]: crate::parse_filename

use crate::platform::Platform;
use crate::suffix::{ModuleFile, SuffixTag};

/// One CPython 3 build, as far as the suffixes it loads depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Build {
    /// CPython 3.`minor`.
    pub minor: u8,
    /// `Py_DEBUG` (`d` in SOABI, `_d` on Windows).
    pub debug: bool,
    /// `Py_GIL_DISABLED` (`t`).
    pub free_threaded: bool,
}

impl Build {
    /// Builds of 3.13 and later may be free-threaded (PEP 703).
    pub fn exists(self) -> bool {
        !self.free_threaded || self.minor >= 13
    }
}

/// The shape of one `EXTENSION_SUFFIXES` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// `.<SOABI>.so`: `.cpython-<XY><flags>-<platform>.so`, the build's own.
    Soabi,
    /// `.<ALT_SOABI>.so`: a debug build's SOABI without `d`.
    AltSoabi,
    /// `.abi3.so`.
    Abi3,
    /// `.abi3-<platform>.so`.
    Abi3Platform,
    /// `.abi3t.so`.
    Abi3t,
    /// `.abi3t-<platform>.so`.
    Abi3tPlatform,
    /// `.so`, any build.
    Plain,
    /// Windows `[_d].cp<XY>[t]-<tag>.pyd`: `_d` exactly in debug builds.
    PydTagged,
    /// Windows `[_d].pyd`.
    Pyd,
}

/// One row: a form, where, from which version, for which threading builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuffixRule {
    pub platform: Platform,
    pub form: Form,
    /// The first CPython 3 minor version that lists it.
    pub since: u8,
    /// Listed by GIL-enabled builds.
    pub gil: bool,
    /// Listed by free-threaded builds (3.13+).
    pub free_threaded: bool,
    /// Where CPython says so.
    pub source: &'static str,
}

const fn rule(
    platform: Platform,
    form: Form,
    since: u8,
    gil: bool,
    free_threaded: bool,
    source: &'static str,
) -> SuffixRule {
    SuffixRule {
        platform,
        form,
        since,
        gil,
        free_threaded,
        source,
    }
}

use Form::*;
use Platform::{Linux, MacOs, Windows};

/// Every suffix form CPython 3 accepts, up to 3.15.
pub const RULES: &[SuffixRule] = &[
    rule(
        Linux,
        Soabi,
        5,
        true,
        true,
        "configure.ac: SOABI='cpython-${VERSION_NO_DOTS}${ABIFLAGS}-${PLATFORM_TRIPLET}' \
         (the triplet since 3.5, bpo-22980; `t` in ABIFLAGS since 3.13); \
         Python/dynload_shlib.c: \".\" SOABI \".so\"",
    ),
    rule(
        Linux,
        AltSoabi,
        8,
        true,
        true,
        "configure.ac: ALT_SOABI, SOABI without `d`, defined only for Py_DEBUG \
         (bpo-36722, 3.8: debug builds load release-built modules); \
         Python/dynload_shlib.c: #ifdef ALT_SOABI \".\" ALT_SOABI \".so\"",
    ),
    rule(
        Linux,
        Abi3,
        2,
        true,
        false,
        "Python/dynload_shlib.c: \".abi\" PYTHON_ABI_STRING \".so\" (PEP 384, 3.2), \
         inside #ifndef Py_GIL_DISABLED since 3.13 (gh-111870: free-threaded builds loaded \
         GIL-ABI abi3 modules and crashed), so free-threaded builds do not list it; the abi3t \
         entries are outside that block (robotpy/crossenv#165 reads it so for 3.15.0rc2)",
    ),
    rule(
        Linux,
        Abi3Platform,
        15,
        true,
        false,
        "Python/dynload_shlib.c: \".abi\" PYTHON_ABI_STRING \"-\" SOABI_PLATFORM \".so\" \
         (gh-122931, python/cpython#152461, 3.15.0rc1). Debian patched it into its 3.14 \
         (sid python3.14 3.14.10-1 lists `.abi3-x86_64-linux-gnu.so`); upstream 3.14, which \
         manylinux images, uv and python.org ship, does not, so a wheel is judged by 3.15",
    ),
    rule(
        Linux,
        Abi3t,
        15,
        true,
        true,
        "PEP 803 (gh-146636, 3.15): Python/dynload_shlib.c lists \".abi3t.so\" in GIL-enabled \
         and free-threaded builds (both sid 3.15 builds list it)",
    ),
    rule(
        Linux,
        Abi3tPlatform,
        15,
        true,
        true,
        "PEP 803 with gh-122931 (3.15): \".abi3t-\" SOABI_PLATFORM \".so\", in both builds",
    ),
    rule(
        Linux,
        Plain,
        0,
        true,
        true,
        "Python/dynload_shlib.c: \".so\", always last",
    ),
    rule(
        MacOs,
        Soabi,
        5,
        true,
        true,
        "configure.ac: SOABI is `cpython-<XY><flags>-darwin` on macOS (PLATFORM_TRIPLET \
         `darwin`, 3.5+); Python/dynload_shlib.c: \".\" SOABI \".so\"",
    ),
    rule(
        MacOs,
        AltSoabi,
        8,
        true,
        true,
        "configure.ac: ALT_SOABI for Py_DEBUG (bpo-36722, 3.8)",
    ),
    rule(
        MacOs,
        Abi3,
        2,
        true,
        false,
        "Python/dynload_shlib.c: \".abi3.so\" (PEP 384), not in free-threaded builds (3.13+)",
    ),
    rule(
        MacOs,
        Abi3Platform,
        15,
        true,
        false,
        "gh-122931 (3.15.0rc1): \".abi3-darwin.so\", SOABI_PLATFORM being `darwin`",
    ),
    rule(
        MacOs,
        Abi3t,
        15,
        true,
        true,
        "PEP 803 (3.15): \".abi3t.so\" in both builds",
    ),
    rule(
        MacOs,
        Abi3tPlatform,
        15,
        true,
        true,
        "PEP 803 with gh-122931 (3.15): \".abi3t-darwin.so\" in both builds",
    ),
    rule(
        MacOs,
        Plain,
        0,
        true,
        true,
        "Python/dynload_shlib.c: \".so\"",
    ),
    rule(
        Windows,
        PydTagged,
        5,
        true,
        true,
        "Python/dynload_win.c: PYD_DEBUG_SUFFIX \".\" PYD_SOABI \".pyd\" with \
         Include/internal/pycore_importdl.h PYD_SOABI = \"cp\" XY PYD_THREADING_TAG \"-\" \
         PYD_PLATFORM_TAG (3.5, bpo-23668; `t` from 3.13) and PYD_DEBUG_SUFFIX `_d` in _DEBUG \
         builds. Windows has no abi3 suffix: stable-ABI modules are `.pyd` importing python3.dll",
    ),
    rule(
        Windows,
        Pyd,
        0,
        true,
        true,
        "Python/dynload_win.c: PYD_DEBUG_SUFFIX \".pyd\" (`_d.pyd` in debug builds only)",
    ),
];

/// The table's form of a parsed name (a Windows name is told by `.pyd`).
fn form_of(file: &ModuleFile) -> Form {
    match &file.tag {
        SuffixTag::Plain if file.suffix.to_ascii_lowercase().ends_with(".pyd") => Pyd,
        SuffixTag::Plain => Plain,
        SuffixTag::Abi3 {
            free_threaded: false,
            triplet: None,
        } => Abi3,
        SuffixTag::Abi3 {
            free_threaded: false,
            triplet: Some(_),
        } => Abi3Platform,
        SuffixTag::Abi3 {
            free_threaded: true,
            triplet: None,
        } => Abi3t,
        SuffixTag::Abi3 {
            free_threaded: true,
            triplet: Some(_),
        } => Abi3tPlatform,
        SuffixTag::Versioned { .. } if file.suffix.to_ascii_lowercase().ends_with(".pyd") => {
            PydTagged
        }
        SuffixTag::Versioned { .. } => Soabi,
    }
}

impl SuffixRule {
    /// Whether `build` lists this row at all (whatever the version in a
    /// name of this form).
    pub fn lists(&self, build: Build) -> bool {
        build.exists()
            && build.minor >= self.since
            && if build.free_threaded {
                self.free_threaded
            } else {
                self.gil
            }
            && (self.form != AltSoabi || build.debug)
    }

    /// Who lists this row, for messages: "GIL-enabled CPython 3.2 and later".
    pub fn loaded_by(&self) -> String {
        let builds = match (self.gil, self.free_threaded) {
            (true, false) => "GIL-enabled CPython",
            (false, true) => "free-threaded CPython",
            _ => "CPython",
        };
        let both = if self.gil && self.free_threaded && self.since >= 13 {
            " (GIL-enabled and free-threaded)"
        } else {
            ""
        };
        match self.since {
            0 => format!("every {builds}"),
            since => format!("{builds} 3.{since} and later{both}"),
        }
    }

    /// The suffix `build` lists for this row, with `platform_part` the
    /// triplet, `darwin` or Windows tag; None if it lists none.
    pub fn suffix(&self, build: Build, platform_part: &str) -> Option<String> {
        if !self.lists(build) {
            return None;
        }
        let t = if build.free_threaded { "t" } else { "" };
        let d = if build.debug { "d" } else { "" };
        let win_d = if build.debug { "_d" } else { "" };
        let minor = build.minor;
        Some(match self.form {
            Soabi => format!(".cpython-3{minor}{t}{d}-{platform_part}.so"),
            AltSoabi => format!(".cpython-3{minor}{t}-{platform_part}.so"),
            Abi3 => ".abi3.so".into(),
            Abi3Platform => format!(".abi3-{platform_part}.so"),
            Abi3t => ".abi3t.so".into(),
            Abi3tPlatform => format!(".abi3t-{platform_part}.so"),
            Plain => ".so".into(),
            PydTagged => format!("{win_d}.cp3{minor}{t}-{platform_part}.pyd"),
            Pyd => format!("{win_d}.pyd"),
        })
    }
}

/// The suffixes `build` lists on `platform`, in table order, each once.
pub fn extension_suffixes(platform: Platform, build: Build, platform_part: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for row in RULES.iter().filter(|r| r.platform == platform) {
        if let Some(s) = row.suffix(build, platform_part)
            && !out.contains(&s)
        {
            out.push(s);
        }
    }
    out
}

/// The row a parsed file name's suffix belongs to on `platform`.
pub fn rule_for(file: &ModuleFile, platform: Platform) -> Option<&'static SuffixRule> {
    let form = form_of(file);
    RULES
        .iter()
        .find(|r| r.platform == platform && r.form == form)
}

/// Whether `build` loads a file named like `file` on `platform`: it lists
/// the suffix's form, and for a versioned suffix the version and flags are
/// its own (or, in a debug build from 3.8, its own without `d`).
pub fn loads(file: &ModuleFile, platform: Platform, build: Build) -> bool {
    let Some(row) = rule_for(file, platform) else {
        return false;
    };
    match &file.tag {
        SuffixTag::Versioned {
            major,
            minor,
            flags,
            ..
        } => {
            if *major != 3 || *minor != build.minor || flags.free_threaded != build.free_threaded {
                return false;
            }
            if platform == Windows {
                return row.lists(build) && file.windows_debug == build.debug;
            }
            if flags.pymalloc {
                // `m` ended with 3.7, when pymalloc builds (the default) said so.
                return build.minor <= 7 && flags.debug == build.debug;
            }
            let own = flags.debug == build.debug && row.lists(build);
            let alt = build.debug
                && !flags.debug
                && RULES
                    .iter()
                    .any(|r| r.platform == platform && r.form == AltSoabi && r.lists(build));
            own || alt
        }
        _ if platform == Windows => row.lists(build) && file.windows_debug == build.debug,
        _ => row.lists(build),
    }
}

/// The oldest CPython 3 minor version any build of which loads `file`:
/// the row's `since`, or a versioned name's own version.
pub fn oldest_loader(file: &ModuleFile, platform: Platform) -> Option<u8> {
    let row = rule_for(file, platform)?;
    match &file.tag {
        SuffixTag::Versioned { minor, .. } => Some(*minor),
        _ => Some(row.since),
    }
}

#[cfg(test)]
mod tests;
