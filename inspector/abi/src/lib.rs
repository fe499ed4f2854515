//! CPython ABI data for the inspector: the stable-ABI list (what an abi3
//! extension may import, and since when) and, per runtime ABI, the symbols a
//! real libpython exports (what a version-specific extension may import).
//!
//! Both are committed data compiled into the crate; `generate` (feature
//! `regenerate`) is how the export tables are made from the interpreters on
//! a machine.

mod exports;
#[cfg(feature = "regenerate")]
pub mod generate;
mod header_data;
#[cfg(feature = "regenerate")]
pub mod headers;
#[cfg(feature = "regenerate")]
pub mod macro_gen;
mod runtime;
mod stable_abi;
mod version;

pub use exports::{ExportTable, TableKey, export_table, export_tables};
pub use header_data::{
    MacroSymbols, Platform, PlatformSymbols, macro_symbols, macro_symbols_all, platform_symbols,
    platform_symbols_all,
};
pub use runtime::{Exporter, FEATURE_MACROS_ON_WINDOWS, Runtime};
pub use stable_abi::{STABLE_ABI_TSV, StableAbi, StableSymbol, SymbolKind, stable_abi};
pub use version::{ParseVersionError, PyVersion};
