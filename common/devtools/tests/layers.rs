//! The workspace's crate graph points one way, and the harness engine has
//! no module cycle (docs/architecture.md).

#[test]
fn dependencies_point_down_the_layers() {
    let metadata = devtools::layers::metadata(&devtools::repository_root()).unwrap();
    let violations = devtools::layers::violations(&metadata);
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn a_dependency_up_the_layers_is_named() {
    let metadata = serde_json::json!({"packages": [
        {"name": "config", "source": null, "dependencies": [
            {"name": "harness", "kind": null},
            {"name": "checks", "kind": "dev"},
            {"name": "serde", "kind": null},
        ]},
        {"name": "harness", "source": null, "dependencies": []},
        {"name": "checks", "source": null, "dependencies": []},
        {"name": "newcomer", "source": null, "dependencies": []},
        {"name": "serde", "source": "registry+https://example", "dependencies": []},
    ]});
    assert_eq!(
        devtools::layers::violations(&metadata),
        [
            "config (Shared) depends on harness (Engine), a higher layer",
            "newcomer has no layer in devtools::layers::PACKAGES",
        ]
    );
}

#[test]
fn the_harness_engine_has_no_module_cycle() {
    let src = devtools::repository_root().join("harness/harness/src");
    let graph = devtools::modules::read(&src).unwrap();
    assert!(graph.cycles().is_empty(), "{:#?}", graph.cycles());
}
