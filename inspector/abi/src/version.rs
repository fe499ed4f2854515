use std::fmt;
use std::str::FromStr;

/// A CPython feature version, `major.minor`: the part that decides what the
/// runtime exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyVersion {
    pub major: u8,
    pub minor: u8,
}

impl PyVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for PyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Text that is not a `major.minor` version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Python version (major.minor): {0:?}")]
pub struct ParseVersionError(pub String);

impl FromStr for PyVersion {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ParseVersionError(text.to_owned());
        let (major, minor) = text.split_once('.').ok_or_else(error)?;
        // u8::from_str takes a leading '+'; a version never has one.
        let number = |part: &str| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
                .ok_or_else(error)
        };
        Ok(Self::new(number(major)?, number(minor)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        let v: PyVersion = "3.12".parse().unwrap();
        assert_eq!(v, PyVersion::new(3, 12));
        assert_eq!(v.to_string(), "3.12");
        for bad in ["3", "3.", ".12", "3.12.1", "+3.12", "3.x", "3.300", ""] {
            assert!(bad.parse::<PyVersion>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn orders_numerically() {
        assert!(PyVersion::new(3, 9) < PyVersion::new(3, 10));
        assert!(PyVersion::new(2, 7) < PyVersion::new(3, 0));
    }
}
