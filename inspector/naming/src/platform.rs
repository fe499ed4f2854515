//! The operating systems whose loaders we model, and CPython's ABI flags.

/// The OS whose extension-module loader we mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    /// Any ELF/`dlopen` platform CPython builds a triplet for (Linux, Android,
    /// GNU/kFreeBSD, GNU/Hurd).
    Linux,
    MacOs,
    Windows,
}

/// The ABI flags CPython puts in `SOABI` and wheel ABI tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AbiFlags {
    /// `d`: a `Py_DEBUG` build.
    pub debug: bool,
    /// `m`: pymalloc, only spelled out by CPython 3.7 and earlier.
    pub pymalloc: bool,
    /// `t`: a free-threaded (`Py_GIL_DISABLED`) build, 3.13+.
    pub free_threaded: bool,
}

impl AbiFlags {
    /// Parses a flag string in the order CPython writes it (`t` or nothing,
    /// then `d`, then `m`), refusing combinations no CPython version produced.
    /// `minor` is the 3.x minor version: `m` ended with 3.7, `t` began in 3.13.
    pub(crate) fn parse_cpython3(flags: &str, minor: u8) -> Option<AbiFlags> {
        let (free_threaded, rest) = match flags.strip_prefix('t') {
            Some(rest) => (true, rest),
            None => (false, flags),
        };
        let (debug, rest) = match rest.strip_prefix('d') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let pymalloc = match rest {
            "" => false,
            "m" => true,
            _ => return None,
        };
        if (pymalloc && minor > 7) || (free_threaded && (minor < 13 || pymalloc)) {
            return None;
        }
        Some(AbiFlags {
            debug,
            pymalloc,
            free_threaded,
        })
    }
}

/// Splits `<major><minor><rest>` as CPython's tags spell versions ("312" is
/// 3.12, "38" is 3.8); `major` is a single digit and `minor` has no leading zero.
pub(crate) fn split_version(s: &str) -> Option<(u8, u8, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(2..=3).contains(&digits) {
        return None;
    }
    let major = s[..1].parse().ok()?;
    let minor_text = &s[1..digits];
    if minor_text.len() > 1 && minor_text.starts_with('0') {
        return None;
    }
    Some((major, minor_text.parse().ok()?, &s[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_orders_and_eras() {
        let f = |s, m| AbiFlags::parse_cpython3(s, m);
        assert_eq!(f("", 12), Some(AbiFlags::default()));
        assert!(f("m", 7).unwrap().pymalloc);
        assert!(f("dm", 6).unwrap().debug);
        assert_eq!(f("md", 6), None);
        assert_eq!(f("m", 8), None);
        assert_eq!(f("t", 12), None);
        let td = f("td", 13).unwrap();
        assert!(td.free_threaded && td.debug && !td.pymalloc);
        assert_eq!(f("dt", 13), None);
        assert_eq!(f("x", 13), None);
    }

    #[test]
    fn versions() {
        assert_eq!(split_version("312td"), Some((3, 12, "td")));
        assert_eq!(split_version("38"), Some((3, 8, "")));
        assert_eq!(split_version("30"), Some((3, 0, "")));
        assert_eq!(split_version("399"), Some((3, 99, "")));
        assert_eq!(split_version("305"), None);
        assert_eq!(split_version("3"), None);
        assert_eq!(split_version("3123"), None);
    }
}
