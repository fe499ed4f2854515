//! The one list of checks. Ids are stable: users write them in CI
//! configuration, so a check may be added but never renamed.

use crate::check::Check;
use crate::rules::*;

pub static CHECKS: &[Check] = &[
    unreadable_file::UnreadableFile::CHECK,
    suffix_not_importable::SuffixNotImportable::CHECK,
    missing_init_symbol::MissingInitSymbol::CHECK,
    init_symbol_not_exported::InitSymbolNotExported::CHECK,
    extra_init_symbols::ExtraInitSymbols::CHECK,
    tag_arch_mismatch::TagArchMismatch::CHECK,
    python_dll_mismatch::PythonDllMismatch::CHECK,
    links_libpython::LinksLibpython::CHECK,
    abi3_violation::Abi3Violation::CHECK,
    abi3_candidate::Abi3Candidate::CHECK,
    private_api::PrivateApi::CHECK,
    undefined_python_symbol::UndefinedPythonSymbol::CHECK,
    single_phase_init::SinglePhaseInit::CHECK,
];

pub fn lookup(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.meta.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let problems = crate::registry_problems(CHECKS.iter().map(|c| &c.meta));
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
