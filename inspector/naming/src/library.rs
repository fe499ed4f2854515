//! Shared objects that are libraries, not modules: what modules link and
//! no import reaches.

use std::path::Path;

use binary::Binary;

use crate::decode_init_symbol;

/// Why a shared object is a library that modules link, not a module that
/// an import reaches, if it is one: it sits in a directory of vendored
/// libraries (`<dist>.libs/`, `.dylibs/`, where auditwheel, delvewheel and
/// delocate put what they copy into a wheel), or it is named `lib*` and
/// exports no init function (an import of `libfoo` would look for
/// `PyInit_libfoo`; `libarrow_python.so` is linked, never imported).
pub fn library_reason(path: &Path, binary: &Binary) -> Option<String> {
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    if dir.ends_with(".libs") || dir == ".dylibs" {
        return Some(format!(
            "a library vendored into {dir}/, which modules link: not a module"
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let has_init = binary.slices.iter().any(|slice| {
        slice
            .exports()
            .any(|symbol| decode_init_symbol(&symbol.name).is_some())
    });
    (name.starts_with("lib") && !has_init).then(|| {
        "a library (named lib*, with no init function), which modules link: not a module"
            .to_string()
    })
}
