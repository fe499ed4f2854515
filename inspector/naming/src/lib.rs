//! Naming rules for CPython extension modules, exactly as CPython's import
//! machinery and the packaging tags apply them: which file names the loader
//! accepts, which init symbol it looks up, and what wheel tags promise.

mod identifier;
mod init_symbol;
mod library;
mod loaders;
mod platform;
mod suffix;
mod tags;
mod triplet;
mod wheel;

pub use identifier::{is_identifier, is_loadable_name};
pub use init_symbol::{
    InitExport, InitKind, decode_init_symbol, decode_python2_init_symbol, export_symbol,
    init_symbol, python2_init_symbol,
};
pub use library::{library_reason, vendored_library_dir};
pub use loaders::{
    Build, Form, RULES, SuffixRule, extension_suffixes, loads, oldest_loader, rule_for,
};
pub use platform::{AbiFlags, Platform};
pub use suffix::{ModuleFile, SuffixTag, parse_filename};
pub use tags::{
    AbiTag, NEWEST_MINOR, PlatformTag, installing_builds, parse_abi_tag, parse_platform_tag,
    parse_python_tag, uninstallable_reason,
};
pub use triplet::{triplet_arch, windows_tag_arch};
pub use wheel::{WheelName, parse_wheel_filename};
