//! Path normalisation is total and idempotent: whatever text a tool reports,
//! normalising never panics, and the result, read again from the root, is
//! itself.

mod support;

use std::path::{Path, PathBuf};

use config::{Config, FindingKey, Overrides, Policy};
use proptest::prelude::*;
use support::INSPECTOR;

/// Path-like text built from the pieces that matter: separators, dots,
/// wheel markers, node-id separators, names.
fn reported() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_owned()),
        Just("./".to_owned()),
        Just("../".to_owned()),
        Just(".whl!".to_owned()),
        Just("-1.0-py3-none-any.whl!".to_owned()),
        Just("::".to_owned()),
        Just("!".to_owned()),
        Just(".so".to_owned()),
        Just("\\".to_owned()),
        "[a-z_é]{1,4}",
        "[.-]{1,2}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
}

fn absolute() -> impl Strategy<Value = PathBuf> {
    prop::collection::vec(
        prop_oneof!["[a-z]{1,3}", Just("..".to_owned()), Just(".".to_owned())],
        0..5,
    )
    .prop_map(|parts| PathBuf::from(format!("/{}", parts.join("/"))))
}

proptest! {
    #[test]
    fn never_panics_on_any_text(path in any::<String>(), cwd in any::<String>(), root in any::<String>()) {
        config::normalise(&path, Path::new(&cwd), Path::new(&root));
    }

    #[test]
    fn idempotent_from_the_root(path in reported(), cwd in absolute(), root in absolute()) {
        let once = config::normalise(&path, &cwd, &root);
        let twice = config::normalise(&once, &root, &root);
        prop_assert_eq!(&twice, &once, "cwd {:?} root {:?}", cwd, root);
    }

    #[test]
    fn the_root_relative_form_has_no_dot_components(path in reported(), root in absolute()) {
        let once = config::normalise(&path, &root, &root);
        if !once.contains("::") && !once.contains('!') {
            prop_assert!(once == "." || once.split('/').all(|part| part != "." && part != ".."), "{}", once);
        }
    }

    #[test]
    fn a_policy_judges_and_fingerprints_any_text(path in any::<String>(), context in prop::collection::vec(any::<String>(), 0..3)) {
        let config = Config::defaults("/w/proj".into());
        let mut policy = Policy::new(&config, &Overrides::default(), "extinspect", INSPECTOR, None, Path::new("/w/proj/sub")).unwrap();
        let finding = FindingKey {
            check: "private-api",
            severity: checkmeta::Severity::Warning,
            path: &path,
            module: None,
            context: &context,
        };
        policy.judge(&finding);
        policy.fingerprint(&finding);
        policy.entry(&finding, "m");
    }
}
