//! Every suffix the table gives a build parses back to a file that build
//! loads, under the row it came from.

use naming::{Build, Platform, RULES, SuffixTag, loads, parse_filename, rule_for};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

fn platform_part(platform: Platform) -> BoxedStrategy<String> {
    let pick = |items: &'static [&'static str]| {
        proptest::sample::select(items)
            .prop_map(str::to_owned)
            .boxed()
    };
    match platform {
        Platform::Linux => pick(&[
            "x86_64-linux-gnu",
            "aarch64-linux-gnu",
            "x86_64-linux-musl",
            "arm-linux-gnueabihf",
            "riscv64-linux-gnu",
            "aarch64-linux-android",
        ]),
        Platform::MacOs => pick(&["darwin"]),
        Platform::Windows => pick(&["win32", "win_amd64", "win_arm64"]),
    }
}

fn case() -> impl Strategy<Value = (usize, Build, String, String)> {
    (0..RULES.len(), 2u8..=30, any::<bool>(), any::<bool>()).prop_flat_map(
        |(row, minor, debug, free_threaded)| {
            let build = Build {
                minor,
                debug,
                free_threaded,
            };
            (
                Just(row),
                Just(build),
                platform_part(RULES[row].platform),
                "[a-z_][a-z0-9_]{0,12}",
            )
        },
    )
}

proptest! {
    // Failing seeds go to the target directory, never into the source tree.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_TARGET_TMPDIR"),
            "/naming-loaders_roundtrip.regressions"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn table_suffixes_parse_to_their_builds((row, build, part, module) in case()) {
        let rule = &RULES[row];
        let Some(suffix) = rule.suffix(build, &part) else {
            // The row is not listed by this build: nothing to parse.
            prop_assert!(!rule.lists(build));
            return Ok(());
        };
        let name = format!("{module}{suffix}");
        let file = parse_filename(&name, rule.platform)
            .unwrap_or_else(|| panic!("{name} does not parse"));
        // Windows' own ambiguity: a debug build loads module `spam` from
        // `spam_d.pyd`, a release build module `spam_d` from the same name
        // (Python/dynload_win.c). The longer suffix, the debug reading, wins.
        if rule.platform == Platform::Windows
            && !build.debug
            && module.len() > 2
            && let Some(stem) = module.strip_suffix("_d")
        {
            prop_assert_eq!(&file.module, stem, "{}", name);
            prop_assert!(file.windows_debug, "{}", name);
            return Ok(());
        }
        prop_assert_eq!(&file.module, &module, "{}", name);
        prop_assert_eq!(&file.suffix, &suffix);
        prop_assert!(loads(&file, rule.platform, build), "{name}: {build:?} does not load it");
        let back = rule_for(&file, rule.platform).expect("a row");
        // ALT_SOABI names are SOABI names of the release build.
        let same_row = back == rule
            || (rule.form == naming::Form::AltSoabi && back.form == naming::Form::Soabi);
        prop_assert!(same_row, "{name}: {back:?}, made from {rule:?}");
        if let SuffixTag::Versioned { minor, flags, .. } = &file.tag {
            prop_assert_eq!(*minor, build.minor);
            prop_assert_eq!(flags.free_threaded, build.free_threaded);
        }
    }
}
