//! Wheel file names (PEP 427 / the binary distribution format spec).

/// The parts of `{dist}-{ver}(-{build})?-{py}-{abi}-{plat}.whl`, with
/// compressed tag sets (`py2.py3`) split on `.`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WheelName {
    pub distribution: String,
    pub version: String,
    pub build: Option<String>,
    pub python_tags: Vec<String>,
    pub abi_tags: Vec<String>,
    pub platform_tags: Vec<String>,
}

/// None unless the name has the wheel shape; tags are not validated here
/// (see [`crate::parse_platform_tag`] and friends).
pub fn parse_wheel_filename(file_name: &str) -> Option<WheelName> {
    let parts: Vec<&str> = file_name.strip_suffix(".whl")?.split('-').collect();
    let (build, tags) = match parts.as_slice() {
        [_, _, py, abi, plat] => (None, [py, abi, plat]),
        // The spec requires a build tag to start with a digit.
        [_, _, build, py, abi, plat] if build.starts_with(|c: char| c.is_ascii_digit()) => {
            (Some(build.to_string()), [py, abi, plat])
        }
        _ => return None,
    };
    if parts[..2].iter().any(|p| p.is_empty()) {
        return None;
    }
    let split = |set: &str| -> Option<Vec<String>> {
        let tags: Vec<String> = set.split('.').map(str::to_owned).collect();
        (!tags.iter().any(String::is_empty)).then_some(tags)
    };
    Some(WheelName {
        distribution: parts[0].to_owned(),
        version: parts[1].to_owned(),
        build,
        python_tags: split(tags[0])?,
        abi_tags: split(tags[1])?,
        platform_tags: split(tags[2])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn typical_wheels() {
        let w =
            parse_wheel_filename("pyo3_clean-0.1.0-cp312-cp312-manylinux_2_34_x86_64.whl").unwrap();
        assert_eq!(
            w,
            WheelName {
                distribution: "pyo3_clean".into(),
                version: "0.1.0".into(),
                build: None,
                python_tags: v(&["cp312"]),
                abi_tags: v(&["cp312"]),
                platform_tags: v(&["manylinux_2_34_x86_64"]),
            }
        );
        let w = parse_wheel_filename("x-1.0-1-cp38-abi3-macosx_10_9_universal2.whl").unwrap();
        assert_eq!(w.build.as_deref(), Some("1"));
        assert_eq!((w.python_tags, w.abi_tags), (v(&["cp38"]), v(&["abi3"])));
        assert_eq!(w.platform_tags, v(&["macosx_10_9_universal2"]));
        let w = parse_wheel_filename("a-1-py3-none-any.whl").unwrap();
        assert_eq!((w.distribution.as_str(), w.version.as_str()), ("a", "1"));
        assert_eq!(w.platform_tags, v(&["any"]));
    }

    #[test]
    fn compressed_tag_sets() {
        let w = parse_wheel_filename(
            "numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        )
        .unwrap();
        assert_eq!(
            w.platform_tags,
            v(&["manylinux_2_17_x86_64", "manylinux2014_x86_64"])
        );
        let w = parse_wheel_filename("six-1.16.0-py2.py3-none-any.whl").unwrap();
        assert_eq!(w.python_tags, v(&["py2", "py3"]));
    }

    #[test]
    fn malformed() {
        for bad in [
            "a-1-py3-none-any.zip",
            "a-1-py3-none.whl",
            "a-1-x-py3-none-any.whl",
            "a-1-2-3-py3-none-any.whl",
            "-1-py3-none-any.whl",
            "a--py3-none-any.whl",
            "a-1-py3..py2-none-any.whl",
            "a-1-py3-none-.whl",
            ".whl",
        ] {
            assert_eq!(parse_wheel_filename(bad), None, "{bad}");
        }
    }
}
