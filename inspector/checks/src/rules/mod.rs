//! One check per file. Message helpers shared by several checks live here.

pub mod abi3_candidate;
pub mod abi3_violation;
pub mod extra_init_symbols;
pub mod init_symbol_not_exported;
pub mod links_libpython;
pub mod missing_init_symbol;
pub mod private_api;
pub mod python_dll_mismatch;
pub mod single_phase_init;
pub mod suffix_not_importable;
pub mod tag_arch_mismatch;
pub mod undefined_python_symbol;
pub mod unreadable_file;

use binary::{Format, Slice};
use naming::{InitExport, Platform};

/// Messages stay one readable line: long lists are cut, and the finding's
/// `symbols` carries them all.
const LISTED: usize = 8;

pub(crate) fn name_list(items: &[String]) -> String {
    if items.len() <= LISTED {
        return items.join(", ");
    }
    format!(
        "{} and {} more",
        items[..LISTED].join(", "),
        items.len() - LISTED
    )
}

pub(crate) fn describe_inits(inits: &[&InitExport]) -> String {
    let described: Vec<String> = inits
        .iter()
        .map(|e| format!("`{}` (module `{}`)", e.symbol, e.module))
        .collect();
    name_list(&described)
}

pub(crate) fn slice_names(slices: &[&Slice]) -> String {
    let names: Vec<&str> = slices.iter().map(|s| s.arch.name()).collect();
    names.join(" and ")
}

pub(crate) fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Linux => "Linux",
        Platform::MacOs => "macOS",
        Platform::Windows => "Windows",
    }
}

/// "an ELF file", "a PE file".
pub(crate) fn a_format(format: Format) -> String {
    let article = if format == Format::Elf { "an" } else { "a" };
    format!("{article} {} file", format.title())
}
