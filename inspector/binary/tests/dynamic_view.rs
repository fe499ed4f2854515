//! The dynamic view (`parse_dynamic`, what a wheel member's first pages
//! give) against the full parse of the same bytes: everything but the
//! static symbol table must be the same, on every ELF file at hand that is
//! built the way a loader expects.

mod real_binaries;

use binary::{Binary, Reach, Source};

struct Whole<'a>(&'a [u8]);

impl Source for Whole<'_> {
    fn read(&self, offset: u64, size: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        self.0.get(start..end)
    }
}

/// What the two must share: the full parse's symbols minus what only
/// `.symtab` gave.
fn without_statics(mut binary: Binary, dynamic: &Binary) -> Binary {
    for (slice, view) in binary.slices.iter_mut().zip(&dynamic.slices) {
        slice
            .symbols
            .retain(|s| s.reach == Reach::Exported || view.symbol(&s.name).is_some());
        slice.has_static_symbols = false;
    }
    binary
}

/// Whether the view agreed (`Some(true)`), disagreed, or left the file to
/// the full parse (`None`).
fn compare(label: &str, data: &[u8], failures: &mut Vec<String>) -> Option<bool> {
    if !data.starts_with(b"\x7fELF") {
        return None;
    }
    let full = binary::parse(data).ok()?;
    let Some(view) = binary::parse_dynamic(&Whole(data)) else {
        failures.push(format!(
            "{label}: no dynamic view of a file the full parse reads"
        ));
        return Some(false);
    };
    let full = without_statics(full, &view);
    if full != view {
        failures.push(format!(
            "{label}: the dynamic view differs from the full parse"
        ));
        return Some(false);
    }
    Some(true)
}

#[test]
fn dynamic_view_matches_the_full_parse() {
    let mut failures = Vec::new();
    let mut agreed = 0;
    let found = real_binaries::each(&|name: &str| name.ends_with(".so"), &mut |label, data| {
        agreed += usize::from(compare(label, data, &mut failures) == Some(true));
    });
    eprintln!("dynamic view: {agreed} ELF files agree with the full parse");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if !found {
        eprintln!("SKIPPED: no lib-dynload modules and no cached wheels to compare on");
    }
}
