//! The C samples as Windows (PE) and macOS (Mach-O) extension modules, plus
//! deliberately mislabelled copies, built on Linux with neither platform's SDK:
//! clang cross-compiles against the miniature headers in `foreign/include`,
//! lld links, and the libraries the modules link against (python3XY.dll,
//! python3.dll, the UCRT, libSystem, libpython) are stood in for by import
//! libraries and text stubs made from the lists in `foreign/`. The fixtures are
//! for inspecting, never for loading. See docs/foreign-fixtures.md.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::BuildError;
use crate::catalog::{Language, Sample, catalog, source_root};
use crate::fingerprint::{self, Fingerprint};
use crate::{native, toolchain};

mod exports;
use exports::ExportList;

/// The CPython version the fixtures are built for and tagged with.
const PYTHON: (u32, u32) = (3, 12);
/// The version of the one honest control built for another CPython: the
/// counterpart of the mislabelled `cp311` module that imports python312.dll.
const CONTROL_PYTHON: (u32, u32) = (3, 11);

/// Besides the flags every sample is compiled with (native.rs): `-nostdlibinc`
/// keeps the host's libc headers away from foreign targets, leaving ours and
/// the compiler's own freestanding ones.
const FOREIGN_FLAGS: &[&str] = &["-c", "-nostdlibinc"];

/// The sample every mislabelled copy is made from.
const MISLABEL_SOURCE: &str = "clean_multiphase";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Elf,
    Macho,
    Pe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arch {
    X86_64,
    Aarch64,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Elf => "ELF",
            Format::Macho => "Mach-O",
            Format::Pe => "PE",
        })
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
        })
    }
}

/// One built file, and what it is (which, for a mislabelled one, its name is not).
#[derive(Debug, Clone)]
pub struct ForeignFixture {
    pub path: PathBuf,
    pub sample_id: String,
    /// The import name of the sample (what an honest file name starts with).
    pub module: String,
    pub format: Format,
    /// One per slice: two for a universal2 file.
    pub arches: Vec<Arch>,
    /// The CPython version it was compiled for.
    pub python: (u32, u32),
    /// PE: the Python DLL it imports (`python3.dll` for a limited-API module).
    pub python_dll: Option<String>,
    /// None for an honest fixture, else what is wrong with its name.
    pub mislabel: Option<String>,
    /// Built by this call (false: the existing file was up to date).
    pub rebuilt: bool,
}

#[derive(Debug, Clone)]
pub struct ForeignCorpus {
    /// `<root>/foreign`: one directory per platform, and `mislabelled/<case>/`.
    pub dir: PathBuf,
    pub fixtures: Vec<ForeignFixture>,
}

/// Builds every C sample for Windows and macOS, x86-64 and arm64, a universal2
/// file of each, and the mislabelled copies, into `root/foreign/`, reusing
/// outputs whose inputs have not changed. Concurrent callers take turns.
pub fn build_foreign(root: &Path) -> Result<ForeignCorpus, BuildError> {
    let dir = root.join("foreign");
    let _lock = fingerprint::lock_dir(&dir)?;
    let builder = Builder::new(&dir)?;
    builder.make_stubs()?;

    let samples: Vec<Sample> = catalog()?
        .into_iter()
        // Only what the miniature headers (3.12's API) can compile: a sample
        // for later versions only (the PEP 793 hooks) has no foreign build.
        .filter(|s| s.language == Language::C && (s.python.min..=s.python.max).contains(&PYTHON))
        .collect();
    let per_sample: Vec<Result<Vec<ForeignFixture>, BuildError>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = samples
            .iter()
            .map(|sample| {
                let builder = &builder;
                scope.spawn(move || builder.honest(sample))
            })
            .collect();
        jobs.into_iter()
            .map(|job| job.join().expect("foreign build thread panicked"))
            .collect()
    });
    let mut fixtures = Vec::new();
    for built in per_sample {
        fixtures.extend(built?);
    }
    let source = samples
        .iter()
        .find(|s| s.id == MISLABEL_SOURCE)
        .ok_or_else(|| {
            invalid(
                source_root().join("c"),
                format!("no {MISLABEL_SOURCE} sample"),
            )
        })?;
    let extras = builder.extras(source, &fixtures)?;
    fixtures.extend(extras);
    Ok(ForeignCorpus { dir, fixtures })
}

/// One compilation target; `dir` is also the wheel platform tag where there is one.
#[derive(Debug, Clone, Copy)]
struct Target {
    dir: &'static str,
    triple: &'static str,
    format: Format,
    arch: Arch,
}

const WIN_AMD64: Target = Target {
    dir: "win_amd64",
    triple: "x86_64-pc-windows-msvc",
    format: Format::Pe,
    arch: Arch::X86_64,
};
const WIN_ARM64: Target = Target {
    dir: "win_arm64",
    triple: "aarch64-pc-windows-msvc",
    format: Format::Pe,
    arch: Arch::Aarch64,
};
const MACOS_X86_64: Target = Target {
    dir: "macos_x86_64",
    triple: "x86_64-apple-macos11",
    format: Format::Macho,
    arch: Arch::X86_64,
};
const MACOS_ARM64: Target = Target {
    dir: "macos_arm64",
    triple: "arm64-apple-macos11",
    format: Format::Macho,
    arch: Arch::Aarch64,
};
const LINUX_X86_64: Target = Target {
    dir: "linux_x86_64",
    triple: "x86_64-linux-gnu",
    format: Format::Elf,
    arch: Arch::X86_64,
};
const LINUX_AARCH64: Target = Target {
    dir: "linux_aarch64",
    triple: "aarch64-linux-gnu",
    format: Format::Elf,
    arch: Arch::Aarch64,
};
const UNIVERSAL2_DIR: &str = "macos_universal2";

impl Target {
    /// The honest file name: version-tagged, or the platform's stable-ABI name.
    fn file_name(&self, sample: &Sample, (major, minor): (u32, u32)) -> String {
        match self.format {
            Format::Pe => sample.file_name(&format!(".cp{major}{minor}-{}.pyd", self.dir), ".pyd"),
            Format::Macho => {
                sample.file_name(&format!(".cpython-{major}{minor}-darwin.so"), ".abi3.so")
            }
            Format::Elf => {
                let tag = format!(".cpython-{major}{minor}-{}-linux-gnu.so", self.arch);
                sample.file_name(&tag, ".abi3.so")
            }
        }
    }
}

struct Tools {
    clang: PathBuf,
    lld_link: PathBuf,
    ld64: PathBuf,
    ld_elf: PathBuf,
    dlltool: PathBuf,
    lipo: PathBuf,
}

impl Tools {
    /// Every tool's `--version`, asked once before the build threads start:
    /// they would all miss `toolchain::identity`'s memo at the same moment.
    fn identities(&self) -> String {
        [
            &self.clang,
            &self.lld_link,
            &self.ld64,
            &self.ld_elf,
            &self.dlltool,
            &self.lipo,
        ]
        .map(|tool| toolchain::identity(tool))
        .join("\n")
    }
}

struct Builder {
    tools: Tools,
    /// `sample-modules/foreign`: the headers, lists and stubs in the source tree.
    inputs: PathBuf,
    /// `<root>/foreign`.
    out: PathBuf,
    /// `<root>/foreign/.build`: objects, generated `.def`s, import libraries, stubs.
    work: PathBuf,
    /// The versions of all the tools, part of every fingerprint.
    tool_versions: String,
}

impl Builder {
    fn new(out: &Path) -> Result<Self, BuildError> {
        const LLD: &str = "install lld (lld-link, ld.lld, ld64.lld)";
        const LLVM: &str = "install llvm (llvm-dlltool, llvm-lipo)";
        let tools = Tools {
            clang: toolchain::require_tool(&["clang"], "install clang")?,
            lld_link: toolchain::require_tool(&["lld-link"], LLD)?,
            ld64: toolchain::require_tool(&["ld64.lld"], LLD)?,
            ld_elf: toolchain::require_tool(&["ld.lld"], LLD)?,
            dlltool: toolchain::require_tool(&["llvm-dlltool"], LLVM)?,
            lipo: toolchain::require_tool(&["llvm-lipo"], LLVM)?,
        };
        Ok(Self {
            tool_versions: tools.identities(),
            tools,
            inputs: source_root().join("foreign"),
            out: out.to_path_buf(),
            work: out.join(".build"),
        })
    }

    /// Runs `command` unless `output` was made by these tools, with this very
    /// command line, from inputs with this content; says whether it ran.
    fn make(
        &self,
        output: &Path,
        inputs: &[PathBuf],
        command: &mut Command,
        what: &str,
    ) -> Result<bool, BuildError> {
        let mut fingerprint = Fingerprint::default()
            .text(&self.tool_versions)
            .text(&format!("{command:?}"));
        for input in inputs {
            fingerprint = fingerprint.file(input)?;
        }
        fingerprint::rebuild_if_stale(output, &fingerprint.finish(), || {
            toolchain::run(command, what)
        })
    }

    /// The import libraries (per Windows architecture) and the libpython text
    /// stub that the links below need.
    fn make_stubs(&self) -> Result<(), BuildError> {
        let symbols = ExportList::load(&self.inputs)?;
        let def_dir = self.work.join("def");
        // (file, text) of each generated .def; the UCRT's and kernel32's are in
        // the source tree.
        let mut generated = vec![(
            def_dir.join("python3.def"),
            symbols.def("python3.dll", PYTHON, false),
        )];
        for version in [CONTROL_PYTHON, PYTHON] {
            let dll = python_dll_name(version);
            let def = symbols.def(&dll, version, true);
            generated.push((def_dir.join(dll.replace(".dll", ".def")), def));
        }
        let mut defs = vec![
            self.inputs.join("api-ms-win-crt-runtime-l1-1-0.def"),
            self.inputs.join("kernel32.def"),
        ];
        for (path, text) in generated {
            fingerprint::write_if_changed(&path, text.as_bytes())?;
            defs.push(path);
        }
        for target in [WIN_AMD64, WIN_ARM64] {
            for def in &defs {
                // The SDK's name for the UCRT's import library, which stdlib.h asks for.
                let stem = def.file_stem().unwrap_or_default().to_string_lossy();
                let stem = if stem.starts_with("api-ms-win-crt") {
                    "ucrt".into()
                } else {
                    stem
                };
                let lib = self.lib_dir(target).join(format!("{stem}.lib"));
                let machine = match target.arch {
                    Arch::X86_64 => "i386:x86-64",
                    Arch::Aarch64 => "arm64",
                };
                let mut command = Command::new(&self.tools.dlltool);
                command
                    .args(["-m", machine, "-d"])
                    .arg(def)
                    .arg("-l")
                    .arg(&lib);
                let what = format!("making {}", lib.display());
                self.make(&lib, std::slice::from_ref(def), &mut command, &what)?;
            }
        }
        fingerprint::write_if_changed(&self.libpython_tbd(), symbols.tbd(PYTHON).as_bytes())?;
        Ok(())
    }

    fn lib_dir(&self, target: Target) -> PathBuf {
        self.work.join("lib").join(target.dir)
    }

    fn libpython_tbd(&self) -> PathBuf {
        let (major, minor) = PYTHON;
        self.work.join(format!("libpython{major}.{minor}.tbd"))
    }

    /// Every honest fixture of one sample.
    fn honest(&self, sample: &Sample) -> Result<Vec<ForeignFixture>, BuildError> {
        let mut fixtures = Vec::new();
        for target in [WIN_AMD64, WIN_ARM64, MACOS_X86_64, MACOS_ARM64] {
            let output = self
                .out
                .join(target.dir)
                .join(target.file_name(sample, PYTHON));
            fixtures.push(self.module(sample, target, PYTHON, &output)?);
        }
        let slices: Vec<PathBuf> = fixtures
            .iter()
            .filter(|f| f.format == Format::Macho)
            .map(|f| f.path.clone())
            .collect();
        let output = self
            .out
            .join(UNIVERSAL2_DIR)
            .join(MACOS_X86_64.file_name(sample, PYTHON));
        let mut command = Command::new(&self.tools.lipo);
        command
            .arg("-create")
            .args(&slices)
            .arg("-output")
            .arg(&output);
        let what = format!("making {} universal2", sample.id);
        let rebuilt = self.make(&output, &slices, &mut command, &what)?;
        let slice = fixtures.last().expect("built above").clone();
        fixtures.push(ForeignFixture {
            path: output,
            arches: vec![Arch::X86_64, Arch::Aarch64],
            rebuilt,
            ..slice
        });
        Ok(fixtures)
    }

    /// The 3.11 control and the mislabelled copies, all of `source`.
    fn extras(
        &self,
        source: &Sample,
        honest: &[ForeignFixture],
    ) -> Result<Vec<ForeignFixture>, BuildError> {
        let find = |dir: &str| {
            honest
                .iter()
                .find(|f| {
                    f.sample_id == source.id && f.path.parent().is_some_and(|p| p.ends_with(dir))
                })
                .expect("every sample is built for every platform")
        };
        let control_output = self
            .out
            .join("win_amd64_cp311")
            .join(WIN_AMD64.file_name(source, CONTROL_PYTHON));
        let mut extras = vec![self.module(source, WIN_AMD64, CONTROL_PYTHON, &control_output)?];

        // Each is named exactly as the honest module of another platform or
        // version would be.
        let mislabelled = |case: &str, named_as: Target, python| {
            let name = named_as.file_name(source, python);
            self.out.join("mislabelled").join(case).join(name)
        };
        let copies = [
            (
                find(WIN_ARM64.dir),
                mislabelled("pe_arm64_named_amd64", WIN_AMD64, PYTHON),
                "an ARM64 PE named for win_amd64: the tag says x86-64, the COFF machine is ARM64",
            ),
            (
                find(WIN_AMD64.dir),
                mislabelled("cp311_imports_python312", WIN_AMD64, CONTROL_PYTHON),
                "tagged cp311 but built for CPython 3.12: it imports python312.dll, which 3.11 does not have",
            ),
        ];
        for (original, output, why) in copies {
            let fingerprint = Fingerprint::default().file(&original.path)?.finish();
            let rebuilt = fingerprint::rebuild_if_stale(&output, &fingerprint, || {
                fs::copy(&original.path, &output)
                    .map(drop)
                    .map_err(|e| BuildError::io(&output, e))
            })?;
            extras.push(ForeignFixture {
                path: output,
                mislabel: Some(why.into()),
                rebuilt,
                ..original.clone()
            });
        }
        let elves = [
            (
                LINUX_AARCH64,
                mislabelled("elf_aarch64_named_x86_64", LINUX_X86_64, PYTHON),
                "an aarch64 ELF named for x86_64 Linux: the tag says x86_64-linux-gnu, the ELF machine is EM_AARCH64",
            ),
            (
                LINUX_X86_64,
                mislabelled("elf_named_pyd", WIN_AMD64, PYTHON),
                "a Linux ELF shared object named as a Windows extension module (.pyd, win_amd64)",
            ),
        ];
        for (target, output, why) in elves {
            let built = self.module(source, target, PYTHON, &output)?;
            extras.push(ForeignFixture {
                mislabel: Some(why.into()),
                ..built
            });
        }
        Ok(extras)
    }

    /// Compiles `sample` for `target` and links it as `output`.
    fn module(
        &self,
        sample: &Sample,
        target: Target,
        python: (u32, u32),
        output: &Path,
    ) -> Result<ForeignFixture, BuildError> {
        let object = self.compile(sample, target, python)?;
        let stem = object.with_extension("");
        let mut args: Vec<String> = Vec::new();
        let mut inputs = vec![object.clone()];
        let linker = match target.format {
            Format::Pe => {
                let machine = match target.arch {
                    Arch::X86_64 => "x64",
                    Arch::Aarch64 => "arm64",
                };
                // No CRT, so no entry point. The headers name the import
                // libraries (#pragma comment(lib)); the linker finds them on
                // /libpath. /debug keeps the PDB, and with it /OPT:NOREF, so an
                // unexported init function survives; /debug:symtab also keeps a
                // COFF symbol table in the image, as mingw-built DLLs have, so
                // that function is visible without the PDB. The PDB and the
                // import library lld-link always writes stay out of the fixture dirs.
                args.extend(
                    ["/dll", "/noentry", "/debug", "/debug:symtab", "/Brepro"].map(String::from),
                );
                args.push(format!("/machine:{machine}"));
                args.push(format!("/pdb:{}.pdb", stem.display()));
                args.push(format!("/implib:{}.lib", stem.display()));
                args.push(format!("/libpath:{}", self.lib_dir(target).display()));
                args.push(format!("/out:{}", output.display()));
                args.push(object.display().to_string());
                let libs = fs::read_dir(self.lib_dir(target))
                    .map_err(|e| BuildError::io(self.lib_dir(target), e))?;
                let mut libs: Vec<PathBuf> = libs
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect();
                libs.sort();
                inputs.extend(libs);
                &self.tools.lld_link
            }
            Format::Macho => {
                let arch = match target.arch {
                    Arch::X86_64 => "x86_64",
                    Arch::Aarch64 => "arm64",
                };
                // What distutils and setuptools pass on macOS: a bundle whose
                // Python symbols the interpreter provides at load time.
                args.extend(
                    ["-arch", arch, "-platform_version", "macos", "11.0", "11.0"].map(String::from),
                );
                args.extend(["-bundle", "-undefined", "dynamic_lookup", "-o"].map(String::from));
                args.push(output.display().to_string());
                inputs.push(self.inputs.join("libSystem.tbd"));
                if sample.links_libpython {
                    inputs.push(self.libpython_tbd());
                }
                args.extend(inputs.iter().map(|p| p.display().to_string()));
                &self.tools.ld64
            }
            Format::Elf => {
                args.extend(["-shared", "-o"].map(String::from));
                args.push(output.display().to_string());
                args.push(object.display().to_string());
                &self.tools.ld_elf
            }
        };
        let mut command = Command::new(linker);
        command.args(&args);
        let what = format!("linking {} for {}", sample.id, target.dir);
        let rebuilt = self.make(output, &inputs, &mut command, &what)?;
        Ok(ForeignFixture {
            path: output.to_path_buf(),
            sample_id: sample.id.clone(),
            module: sample.module.clone(),
            format: target.format,
            arches: vec![target.arch],
            python,
            python_dll: (target.format == Format::Pe).then(|| expected_python_dll(sample, python)),
            mislabel: None,
            rebuilt,
        })
    }

    fn compile(
        &self,
        sample: &Sample,
        target: Target,
        (major, minor): (u32, u32),
    ) -> Result<PathBuf, BuildError> {
        let object = self
            .work
            .join("obj")
            .join(target.dir)
            .join(format!("{}.cp{major}{minor}.o", sample.id));
        let include = self.inputs.join("include");
        let mut command = Command::new(&self.tools.clang);
        command
            .arg(format!("--target={}", target.triple))
            .args(FOREIGN_FLAGS)
            .args(native::CFLAGS);
        if target.format == Format::Elf {
            command.arg("-fPIC");
        }
        command
            .arg(format!("-DPY_VERSION_HEX=0x{major:02X}{minor:02X}00F0"))
            .arg(format!("-I{}", include.display()))
            .arg("-o")
            .arg(&object)
            .arg(&sample.source);
        // Every file the compiler may read besides its own freestanding headers.
        let mut inputs = vec![sample.source.clone()];
        let headers = fs::read_dir(&include).map_err(|e| BuildError::io(&include, e))?;
        let mut headers: Vec<PathBuf> = headers.flatten().map(|e| e.path()).collect();
        headers.sort();
        inputs.extend(headers);
        let what = format!("compiling {} for {}", sample.id, target.triple);
        self.make(&object, &inputs, &mut command, &what)?;
        Ok(object)
    }
}

fn python_dll_name((major, minor): (u32, u32)) -> String {
    format!("python{major}{minor}.dll")
}

/// What Python.h's `#pragma comment(lib)` makes a module import, as
/// PC/pyconfig.h does: python3.dll only under Py_LIMITED_API, whatever the
/// module's file is called.
fn expected_python_dll(sample: &Sample, python: (u32, u32)) -> String {
    match sample.limited_api {
        Some(_) => "python3.dll".into(),
        None => python_dll_name(python),
    }
}

fn invalid(path: impl Into<PathBuf>, message: String) -> BuildError {
    BuildError::io(path, io::Error::new(io::ErrorKind::InvalidData, message))
}
