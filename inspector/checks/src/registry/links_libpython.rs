use binary::Format;

use crate::registry::declare_check;
use crate::facts::{Facts, is_libpython};
use crate::finding::Finding;

declare_check! {
    /// ## What it does
    /// Reports an ELF or Mach-O extension module that records libpython as a
    /// needed library (`DT_NEEDED libpython3.12.so.1.0`, `LC_LOAD_DYLIB
    /// @rpath/libpython3.12.dylib`, a `Python.framework`), of any version,
    /// debug (`d`) or free-threaded (`t`) builds included.
    ///
    /// ## Why is this bad?
    /// On Linux and macOS the interpreter that imports the module already
    /// provides every C-API symbol; the module should leave them undefined.
    /// Linking libpython ties it to one shared-library build: it fails to
    /// load under a statically linked `python` (Debian's and Ubuntu's
    /// `/usr/bin/python3`, the manylinux images, python-build-standalone) with
    /// "libpython3.12.so.1.0: cannot open shared object file", and where the
    /// library does exist it can bring a second copy of the runtime into the
    /// process. auditwheel rejects such wheels for the same reason.
    ///
    /// ## Example
    /// ```sh
    /// cc -shared -fPIC spam.c -o spam.cpython-312-x86_64-linux-gnu.so $(python3-config --ldflags --embed)
    /// ```
    ///
    /// ## How to fix
    /// Do not link libpython into extension modules: drop `-lpython3.X`
    /// (`python3-config --ldflags` without `--embed` omits it on 3.8+). On
    /// macOS link with `-undefined dynamic_lookup` instead. Windows is
    /// different: there a module must link `python3XY.dll`.
    pub struct LinksLibpython {
        id: "links-libpython",
        severity: Warning,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.format == Format::Pe {
        return;
    }
    let mut libraries: Vec<&str> = facts
        .slices()
        .iter()
        .flat_map(|s| &s.needed)
        .map(String::as_str)
        .filter(|l| is_libpython(l))
        .collect();
    libraries.sort_unstable();
    libraries.dedup();
    if libraries.is_empty() {
        return;
    }
    let record = match facts.format {
        Format::Macho => "LC_LOAD_DYLIB",
        _ => "DT_NEEDED",
    };
    let quoted: Vec<_> = libraries.iter().map(|l| format!("`{l}`")).collect();
    out.push(
        Finding::new(
            &LinksLibpython::META,
            format!(
                "links {} ({record}): it will not load under a statically linked interpreter",
                quoted.join(", ")
            ),
        )
        .with_symbols(libraries.iter().map(|l| l.to_string())),
    );
}
