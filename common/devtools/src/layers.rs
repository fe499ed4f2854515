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

/// The workspace's `cargo metadata` (its own packages only), or why not.
pub fn metadata(root: &std::path::Path) -> Result<serde_json::Value, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata's output: {e}"))
}

/// Every workspace crate by layer, the top first, each with the workspace
/// crates it depends on (normal dependencies): the crate graph as
/// docs/architecture.md shows it.
pub fn markdown(metadata: &serde_json::Value) -> String {
    let packages: Vec<&serde_json::Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["source"].is_null())
        .collect();
    let members: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut text = String::new();
    for layer in [
        Layer::Entry,
        Layer::Tool,
        Layer::Engine,
        Layer::Block,
        Layer::Shared,
    ] {
        let mut rows: Vec<String> = Vec::new();
        for package in &packages {
            let Some(name) = package["name"].as_str() else {
                continue;
            };
            if layer_of(name) != Some(layer) {
                continue;
            }
            let mut uses: Vec<String> = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| {
                    let name = d["name"].as_str().filter(|n| members.contains(n))?;
                    Some(match d["optional"].as_bool() {
                        Some(true) => format!("{name} (optional)"),
                        _ => name.to_string(),
                    })
                })
                .collect();
            uses.sort_unstable();
            uses.dedup();
            rows.push(match uses.as_slice() {
                [] => format!("  - `{name}`"),
                uses => format!("  - `{name}` → {}", uses.join(", ")),
            });
        }
        rows.sort();
        text.push_str(&format!("- {}\n", layer.title()));
        for row in rows {
            text.push_str(&row);
            text.push('\n');
        }
    }
    text
}

impl Layer {
    fn title(self) -> &'static str {
        match self {
            Layer::Shared => "shared",
            Layer::Block => "blocks",
            Layer::Engine => "engines",
            Layer::Tool => "tools",
            Layer::Entry => "entry points",
        }
    }
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
