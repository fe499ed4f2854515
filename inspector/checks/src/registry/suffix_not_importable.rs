use naming::Platform;

use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::{a_format, platform_name};

declare_check! {
    /// ## What it does
    /// Checks that CPython on the binary's own platform (Linux for ELF,
    /// macOS for Mach-O, Windows for PE) would load a file with this name:
    /// the suffix is one its loader accepts, and what is left is a name the
    /// loader can build an init symbol for (`PyInit_<name>`, or `PyInitU_`
    /// and its punycode): letters, digits and `_`, a digit first included.
    /// That is the loader's rule, not Python's identifier syntax: mypyc's
    /// `81d243bd2c585b0f4821__mypyc.cpython-312-x86_64-linux-gnu.so`, which
    /// `import` cannot spell, loads through `importlib.import_module`, and
    /// is not reported.
    ///
    /// ## Why is this bad?
    /// The import system only tries the suffixes in
    /// `importlib.machinery.EXTENSION_SUFFIXES`: `.cpython-312-x86_64-linux-gnu.so`,
    /// `.abi3.so` and `.so` on Linux; `.cpython-312-darwin.so`, `.abi3.so` and
    /// `.so` on macOS; `.cp312-win_amd64.pyd` and `.pyd` on Windows. A Windows
    /// binary named `.so`, a Linux binary named `.pyd`, a macOS library named
    /// `.dylib`, or a Mach-O file carrying a Linux triplet is never found by
    /// `import`, so the package installs and then fails with
    /// `ModuleNotFoundError`.
    ///
    /// ## Example
    /// ```text
    /// spam.cp312-win_amd64.pyd    <- an ELF file: built on Linux, named for Windows
    /// ```
    ///
    /// ## How to fix
    /// Name the file with `sysconfig.get_config_var("EXT_SUFFIX")` of the
    /// interpreter you built for, on the platform you built for; let the
    /// build backend (setuptools, meson-python, maturin, scikit-build) choose
    /// the name, and check that cross-compilation used the target's
    /// configuration, not the host's.
    pub struct SuffixNotImportable {
        id: "suffix-not-importable",
        severity: Error,
        run: Some(run),
    }
}

fn accepted(platform: Platform) -> &'static str {
    match platform {
        Platform::Linux => "`.cpython-XY-<triplet>.so`, `.abi3.so` or `.so`",
        Platform::MacOs => "`.cpython-XY-darwin.so`, `.abi3.so` or `.so`",
        Platform::Windows => "`.cpXY-<platform>.pyd` or `.pyd`",
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    if facts.importable {
        return;
    }
    let name = facts.subject.file_name;
    let own = facts.platform;
    let foreign = [Platform::Linux, Platform::MacOs, Platform::Windows]
        .into_iter()
        .filter(|p| *p != own)
        .find(|p| {
            naming::parse_filename(name, *p).is_some_and(|f| naming::is_loadable_name(&f.module))
        });
    let mut message = match &facts.file {
        None => format!(
            "no CPython on {} would load `{name}`: its loader accepts {}",
            platform_name(own),
            accepted(own)
        ),
        Some(file) => format!(
            "no CPython on {} would load `{name}`: after its loader strips `{}`, `{}` is not a module name",
            platform_name(own),
            file.suffix,
            file.module
        ),
    };
    if let Some(p) = foreign {
        message.push_str(&format!(
            "; the name is one for {}, but this is {}",
            platform_name(p),
            a_format(facts.format)
        ));
    }
    out.push(Finding::new(&SuffixNotImportable::META, message));
}
