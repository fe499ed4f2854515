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
    if let Some(dir) = vendored_library_dir(path) {
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

/// The directory that makes `path` a vendored library by its path alone,
/// whatever its bytes: its parent is named `*.libs` or `.dylibs`. That is
/// where the wheel repair tools put the libraries they copy in: auditwheel
/// into `<dist>.libs/` at the wheel's root (`<package>/.libs/` before
/// auditwheel 3), delvewheel into `<dist>.libs/`, delocate into
/// `<package>/.dylibs/`. No import reaches a file there: an import name's
/// parts are identifiers, and CPython's path finder looks each one up as a
/// directory or file name of its own (`FileFinder.find_spec` takes the part
/// after the last dot), so a directory whose name holds a dot
/// (`numpy.libs`, `.dylibs`) is never a package on the way to a module.
/// `importlib.import_module("numpy.libs")` looks for `libs` inside `numpy/`.
/// Only a directory put on `sys.path` itself would make its files
/// importable, which no installer does. So a library there is judged by its
/// headers only; a `PyInit_` it may export is never called by an import.
pub fn vendored_library_dir(path: &Path) -> Option<String> {
    let dir = path
        .parent()
        .and_then(Path::file_name)?
        .to_string_lossy()
        .into_owned();
    (dir.ends_with(".libs") || dir == ".dylibs").then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendored(path: &str) -> Option<String> {
        vendored_library_dir(Path::new(path))
    }

    #[test]
    fn what_the_repair_tools_vendor_is_a_library_by_its_path() {
        // auditwheel (Linux), delvewheel (Windows): `<dist>.libs/`.
        assert_eq!(
            vendored("numpy.libs/libscipy_openblas64_-4b78795a.so").as_deref(),
            Some("numpy.libs")
        );
        assert_eq!(
            vendored("shapely.libs/geos_c-6dd9fd915eef8a7928285416bef1e666.dll").as_deref(),
            Some("shapely.libs")
        );
        // auditwheel before 3.0: `<package>/.libs/`.
        assert_eq!(
            vendored("numpy/.libs/libopenblasp-r0-39a31c03.2.18.so").as_deref(),
            Some(".libs")
        );
        // delocate (macOS): `<package>/.dylibs/`.
        assert_eq!(
            vendored("PIL/.dylibs/libjpeg.62.4.0.dylib").as_deref(),
            Some(".dylibs")
        );
        // Installed: the same directory under site-packages.
        assert_eq!(
            vendored("/venv/lib/python3.12/site-packages/pyzmq.libs/libzmq-2f02442c.so.5.2.5")
                .as_deref(),
            Some("pyzmq.libs")
        );
    }

    #[test]
    fn elsewhere_the_bytes_decide() {
        // Modules, and libraries beside them.
        assert_eq!(
            vendored("numpy/_core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so"),
            None
        );
        assert_eq!(vendored("pyarrow/libarrow_python.so.2200"), None);
        assert_eq!(vendored("libfoo.so"), None);
        // A package whose name merely contains `libs`; a directory below a
        // vendored one, which no tool makes (the parent alone is looked at).
        assert_eq!(
            vendored("pylibs/_speedups.cpython-312-x86_64-linux-gnu.so"),
            None
        );
        assert_eq!(vendored("mylibs/x.so"), None);
        assert_eq!(vendored("numpy.libs/sub/x.so"), None);
        assert_eq!(vendored("pkg/dylibs/x.dylib"), None);
    }
}
