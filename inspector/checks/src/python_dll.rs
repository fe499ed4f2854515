//! Windows names the interpreter DLL after its ABI: `python312.dll`,
//! `python313t.dll`, `python312_d.dll`, and `python3.dll` for the stable ABI.

use abi::PyVersion;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonDll {
    /// As the import table spells it.
    pub name: String,
    /// `None` for `python3.dll` (the stable-ABI forwarder).
    pub version: Option<PyVersion>,
    pub debug: bool,
    pub free_threaded: bool,
}

impl PythonDll {
    pub fn parse(name: &str) -> Option<PythonDll> {
        let lower = name.to_ascii_lowercase();
        let rest = lower.strip_prefix("python")?.strip_suffix(".dll")?;
        let (rest, debug) = match rest.strip_suffix("_d") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let (digits, free_threaded) = match rest.strip_suffix('t') {
            Some(r) => (r, true),
            None => (rest, false),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let version = match digits {
            "3" => None,
            _ if digits.len() >= 2 => Some(PyVersion {
                major: digits[..1].parse().ok()?,
                minor: digits[1..].parse().ok()?,
            }),
            _ => return None,
        };
        Some(PythonDll {
            name: name.to_string(),
            version,
            debug,
            free_threaded,
        })
    }

    /// The DLL a module built for this ABI imports.
    pub fn expected_name(version: Option<PyVersion>, debug: bool, free_threaded: bool) -> String {
        let digits = match version {
            Some(v) => format!("{}{}", v.major, v.minor),
            None => "3".to_string(),
        };
        let t = if free_threaded { "t" } else { "" };
        let d = if debug { "_d" } else { "" };
        format!("python{digits}{t}{d}.dll")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_dll_names_cpython_ships() {
        let v = |s: &str| {
            PythonDll::parse(s)
                .map(|d| (d.version.map(|v| v.to_string()), d.debug, d.free_threaded))
        };
        assert_eq!(
            v("python312.dll"),
            Some((Some("3.12".into()), false, false))
        );
        assert_eq!(v("PYTHON38.DLL"), Some((Some("3.8".into()), false, false)));
        assert_eq!(
            v("python313t.dll"),
            Some((Some("3.13".into()), false, true))
        );
        assert_eq!(
            v("python313t_d.dll"),
            Some((Some("3.13".into()), true, true))
        );
        assert_eq!(v("python3.dll"), Some((None, false, false)));
        assert_eq!(v("python3_d.dll"), Some((None, true, false)));
        assert_eq!(v("pythoncom312.dll"), None);
        assert_eq!(v("kernel32.dll"), None);
        assert_eq!(v("python.dll"), None);
    }

    #[test]
    fn expected_names_round_trip() {
        let v312 = Some(PyVersion {
            major: 3,
            minor: 12,
        });
        assert_eq!(
            PythonDll::expected_name(v312, false, false),
            "python312.dll"
        );
        assert_eq!(
            PythonDll::expected_name(v312, true, true),
            "python312t_d.dll"
        );
        assert_eq!(PythonDll::expected_name(None, false, false), "python3.dll");
    }
}
