//! The inspector's checks: what a check is (an id, a severity, its
//! documentation and a function over the facts of one file), the checks
//! themselves, one file each beside this one, and [`CHECKS`], the one list
//! of them. A new check is its file, its test and one line in that list.
//! Message helpers shared by several checks live here too.

use binary::{Format, Slice};
use checkmeta::CheckMeta;

use crate::facts::Facts;
use crate::finding::Finding;
use naming::{InitExport, Platform};

/// Declares each check's module (its file beside this one) and lists its
/// [`Check`] in [`CHECKS`], so that a check is registered by one line.
macro_rules! registry {
    ($($module:ident::$check:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Every check, in the order a file's findings are reported. Ids
        /// are stable: users write them in CI configuration, so a check
        /// may be added but never renamed.
        pub static CHECKS: &[Check] = &[$($module::$check::CHECK),*];
    };
}

registry! {
    unreadable_file::UnreadableFile,
    suffix_not_importable::SuffixNotImportable,
    missing_init_symbol::MissingInitSymbol,
    init_symbol_not_exported::InitSymbolNotExported,
    extra_init_symbols::ExtraInitSymbols,
    tag_arch_mismatch::TagArchMismatch,
    uninstallable_wheel_tag::UninstallableWheelTag,
    tag_suffix_mismatch::TagSuffixMismatch,
    python_dll_mismatch::PythonDllMismatch,
    links_libpython::LinksLibpython,
    abi3_violation::Abi3Violation,
    abi3_floor::Abi3Floor,
    abi3_candidate::Abi3Candidate,
    private_api::PrivateApi,
    undefined_python_symbol::UndefinedPythonSymbol,
    single_phase_init::SinglePhaseInit,
    abi_flags_mismatch::AbiFlagsMismatch,
    abi3_not_free_threaded::Abi3NotFreeThreaded,
    abi3t_without_export_hook::Abi3tWithoutExportHook,
    single_phase_gil::SinglePhaseGil,
}

pub fn lookup(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.meta.id == id)
}

/// A registered check. `run` is `None` for checks the driver raises
/// itself (`unreadable-file`: there are no facts about a file that cannot
/// be parsed).
#[derive(Debug, Clone, Copy)]
pub struct Check {
    pub meta: CheckMeta,
    pub run: Option<fn(&Facts<'_>, &mut Vec<Finding>)>,
}

/// Declares a check type whose doc comment becomes its documentation:
/// [`checkmeta::declare_meta!`] plus the constant `CHECK` that
/// pairs `META` with the check's function.
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])+
        pub struct $name:ident {
            id: $id:literal,
            severity: $severity:ident,
            run: $run:expr
            $(, selected_by_default: $selected:literal)? $(,)?
        }
    ) => {
        checkmeta::declare_meta! {
            $(#[doc = $doc])+
            pub struct $name {
                id: $id,
                severity: $severity,
                group: Inspector,
                $(selected_by_default: $selected,)?
            }
        }

        impl $name {
            pub const CHECK: $crate::registry::Check = $crate::registry::Check {
                meta: Self::META,
                run: $run,
            };
        }
    };
}
pub(crate) use declare_check;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let problems = checkmeta::registry_problems(CHECKS.iter().map(|c| &c.meta));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
