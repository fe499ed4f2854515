//! Prints the common view of each file named on the command line.

fn main() {
    for path in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(path);
        match std::fs::read(&path).map_err(|e| e.to_string()) {
            Err(e) => println!("{}: {e}", path.display()),
            Ok(data) => match binary::parse(&data) {
                Err(e) => println!("{}: {e}", path.display()),
                Ok(binary) => println!("{}: {binary:#?}", path.display()),
            },
        }
    }
}
