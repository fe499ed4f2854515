//! The committed `data/platforms/` and `data/macro_symbols/` files are what
//! the headers named in them give today: regenerated and compared wherever
//! those headers are present (pyenv's installs).

use std::path::Path;

fn committed(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(dir);
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.display().to_string(),
                std::fs::read_to_string(path).unwrap(),
            )
        })
        .collect()
}

fn headers_of(text: &str) -> Option<&Path> {
    let dir = text.lines().find_map(|l| l.strip_prefix("# headers: "))?;
    Some(Path::new(dir)).filter(|d| d.join("Python.h").is_file())
}

fn body(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('#')).collect()
}

#[test]
fn platform_files_regenerate_identically() {
    for (path, text) in committed("platforms") {
        let Some(include) = headers_of(&text) else {
            eprintln!("{path}: its headers are not here; not compared");
            continue;
        };
        let (_, fresh) = abi::headers::render_platforms(include).unwrap();
        assert_eq!(
            fresh, text,
            "{path}: run `cargo run -p devtools -- platform-symbols`"
        );
    }
}

#[test]
fn macro_symbol_files_regenerate_identically() {
    if std::process::Command::new("cc")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no cc: not compared");
        return;
    }
    for (path, text) in committed("macro_symbols") {
        let Some(include) = headers_of(&text) else {
            eprintln!("{path}: its headers are not here; not compared");
            continue;
        };
        let (_, fresh) = abi::macro_gen::render_macro_symbols(include).unwrap();
        assert_eq!(
            body(&fresh),
            body(&text),
            "{path}: run `cargo run -p devtools -- macro-symbols`"
        );
    }
}
