//! `parse_headers` (what a vendored library's report is made from) against
//! the full parse of the same bytes, on every binary at hand: CPython's
//! lib-dynload modules and every binary member of the cached real wheels
//! (ELF, Mach-O thin and universal, PE). Format, architecture, address size
//! and type must agree wherever the full parse reads the file, and a file
//! that is no binary must be refused by both with the same words.

mod real_binaries;

use binary::{Arch, Binary, BinaryError};

fn identity(binary: &Binary) -> (binary::Format, Vec<(Arch, u8, bool)>) {
    (
        binary.format,
        binary
            .slices
            .iter()
            .map(|s| (s.arch, s.bits, s.is_shared_library))
            .collect(),
    )
}

fn compare(label: &str, data: &[u8], failures: &mut Vec<String>) -> bool {
    let headers = binary::parse_headers(&data);
    match (binary::parse(data), headers) {
        (Ok(full), Ok(headers)) if identity(&full) == identity(&headers) => true,
        (Err(full @ BinaryError::NotABinary { .. }), Err(headers))
            if full.to_string() == headers.to_string() =>
        {
            true
        }
        // A file whose headers read but whose tables do not: the headers
        // alone cannot tell, which is why only a path proves a library.
        (Err(_), _) => false,
        (full, headers) => {
            failures.push(format!("{label}: full {full:?}, headers {headers:?}"));
            false
        }
    }
}

fn is_binary_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [".so", ".pyd", ".dll", ".dylib"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
        || name.contains(".so.")
}

#[test]
fn the_headers_say_what_the_full_parse_says() {
    let mut failures = Vec::new();
    let mut agreed = 0;
    let found = real_binaries::each(&is_binary_name, &mut |label, data| {
        agreed += usize::from(compare(label, data, &mut failures));
    });
    eprintln!("headers: {agreed} files agree with the full parse");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if !found {
        eprintln!("SKIPPED: no lib-dynload modules and no cached wheels to compare on");
    }
}

/// Short and odd inputs: refused as the full parse refuses them, and read
/// no further than the bytes there are.
#[test]
fn short_and_foreign_bytes_are_refused_alike() {
    let inputs: &[&[u8]] = &[
        b"",
        b"\x7fELF",
        b"\x7fELF\x02\x01\x01",
        b"MZ",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
        b"PK\x03\x04 not a binary",
        b"INPUT(-lfoo)\n",
    ];
    for input in inputs {
        let full = binary::parse(input).map(|b| identity(&b));
        let headers = binary::parse_headers(input).map(|b| identity(&b));
        assert!(full.is_err() && headers.is_err(), "{input:?}");
        if let Err(e @ BinaryError::NotABinary { .. }) = &full {
            assert_eq!(e.to_string(), headers.unwrap_err().to_string(), "{input:?}");
        }
    }
}
