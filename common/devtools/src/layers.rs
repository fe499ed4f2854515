//! The crate graph's direction: shared crates ← building blocks ← engines
//! ← tools ← entry points. Every crate of the workspace has its layer
//! here, and a crate's normal dependencies lie in its own layer or below;
//! so no library depends on a tool, and the crates both tools share depend
//! on neither. docs/architecture.md draws the same graph.

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// What both tools use and nothing of either: check metadata, the
    /// configuration, the CI formats, the command-line kit.
    Shared,
    /// The libraries the engines are built of: binary formats, names, ABI
    /// data, the inspector's checks, interpreter discovery.
    Block,
    /// The inspection engine and the harness engine.
    Engine,
    /// The two command-line tools.
    Tool,
    /// What builds, packages or tests the tools: their distribution, the
    /// maintainers' commands, the sample corpus and the workspace tests.
    Entry,
}

/// Every workspace package and its layer. A new crate must be added here
/// (the test says so).
pub const PACKAGES: &[(&str, Layer)] = &[
    ("checkmeta", Layer::Shared),
    ("config", Layer::Shared),
    ("output", Layer::Shared),
    ("clikit", Layer::Shared),
    ("abi", Layer::Block),
    ("binary", Layer::Block),
    ("naming", Layer::Block),
    ("checks", Layer::Block),
    ("interpreters", Layer::Block),
    ("inspector", Layer::Engine),
    ("harness", Layer::Engine),
    ("extinspect", Layer::Tool),
    ("extharness", Layer::Tool),
    ("dist", Layer::Entry),
    ("devtools", Layer::Entry),
    ("sample-modules", Layer::Entry),
    ("tests", Layer::Entry),
];

pub fn layer_of(package: &str) -> Option<Layer> {
    PACKAGES
        .iter()
        .find(|(name, _)| *name == package)
        .map(|(_, layer)| *layer)
}

/// What breaks the direction in `metadata` (`cargo metadata
/// --format-version 1` output): a package with no layer, or a normal
/// dependency on a workspace package of a higher layer.
pub fn violations(metadata: &serde_json::Value) -> Vec<String> {
    let members: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["source"].is_null())
        .filter_map(|p| p["name"].as_str())
        .collect();
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let Some(name) = package["name"].as_str() else {
            continue;
        };
        if !package["source"].is_null() {
            continue;
        }
        let Some(layer) = layer_of(name) else {
            found.push(format!("{name} has no layer in devtools::layers::PACKAGES"));
            continue;
        };
        for dependency in package["dependencies"].as_array().into_iter().flatten() {
            let Some(to) = dependency["name"].as_str() else {
                continue;
            };
            let normal = dependency["kind"].is_null();
            if !normal || !members.contains(&to) {
                continue;
            }
            match layer_of(to) {
                Some(below) if below <= layer => {}
                Some(above) => found.push(format!(
                    "{name} ({layer:?}) depends on {to} ({above:?}), a higher layer"
                )),
                None => {} // reported as a package of its own
            }
        }
    }
    found
}
