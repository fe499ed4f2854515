//! Symbolization against real crashes: a tiny C library built here with
//! `cc -g`, loaded and crashed by a tiny C program under the preloaded
//! handler, then stripped and given separate debug files in the ways
//! distributions do.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::*;
use crate::process::child::{self, ChildSpec};
use crate::process::native::preload;

const LIBRARY: &str = r#"#include <stdlib.h>
int *volatile nowhere;

__attribute__((noinline)) void crash_here(void) {
    *nowhere = 1; /* segv */
}

static inline __attribute__((always_inline)) void inner(void) {
    abort(); /* abort */
}

__attribute__((noinline)) void abort_here(void) {
    inner();
}
"#;

const PROGRAM: &str = r#"#include <dlfcn.h>
int main(int argc, char **argv) {
    void *library = dlopen(argv[1], RTLD_NOW);
    void (*function)(void) = (void (*)(void))dlsym(library, argv[2]);
    function(); /* call */
    return 0;
}
"#;

fn line_of(source: &str, marker: &str) -> u32 {
    source
        .lines()
        .position(|l| l.contains(marker))
        .expect("marker") as u32
        + 1
}

fn tool(dir: &Path, program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(status.success(), "{program} {args:?}");
}

/// Builds `tiny.so` (with DWARF and a build ID) and the program that loads it.
fn build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("tiny.c"), LIBRARY).expect("write");
    fs::write(dir.path().join("main.c"), PROGRAM).expect("write");
    tool(
        dir.path(),
        "cc",
        &[
            "-g",
            "-O1",
            "-shared",
            "-fPIC",
            "-Wl,--build-id",
            "-o",
            "tiny.so",
            "tiny.c",
        ],
    );
    tool(dir.path(), "cc", &["-g", "-O1", "-o", "main", "main.c"]);
    dir
}

/// Runs `function` of `library` under the handler; the child's fd 5.
fn crash(dir: &Path, library: &Path, function: &str) -> Vec<u8> {
    let run = tempfile::tempdir().expect("tempdir");
    let preload = preload::install(run.path())
        .expect("install")
        .expect("nameable");
    let env = vec![("PATH".into(), "/usr/bin:/bin".into()), preload];
    let spec = ChildSpec {
        program: dir.join("main"),
        args: vec![library.into(), function.into()],
        env,
        cwd: run.path().to_path_buf(),
        timeout: Duration::from_secs(20),
        limits: child::Limits::for_timeout(Duration::from_secs(20)),
    };
    let out = child::run(&spec).expect("run");
    assert!(
        matches!(out.ending, child::Ending::Signaled { .. }),
        "{:?}",
        out.ending
    );
    out.native
}

fn target(path: &Path) -> Target {
    Target {
        name: "tiny".into(),
        path: Some(path.to_path_buf()),
        sys_path: Vec::new(),
    }
}

fn site(stack: &NativeStack) -> (Option<&str>, Option<&str>, Option<u32>) {
    let site = stack
        .crash_site()
        .unwrap_or_else(|| panic!("no crash site: {:#?}", stack.render()));
    (
        site.function.as_deref(),
        site.file
            .as_deref()
            .map(|f| f.rsplit('/').next().unwrap_or(f)),
        site.line,
    )
}

#[test]
fn a_fault_is_named_at_its_instruction_and_its_callers_at_their_calls() {
    let dir = build();
    let library = dir.path().join("tiny.so");
    let raw = crash(dir.path(), &library, "crash_here");
    let stack = symbolize_with(&raw, &target(&library), dir.path()).expect("a stack");
    assert_eq!(stack.signal, libc::SIGSEGV);
    assert!(stack.complete);
    let rendered = stack.render();
    // The handler and the trampoline are gone: the fault comes first.
    assert_eq!(
        site(&stack),
        (
            Some("crash_here"),
            Some("tiny.c"),
            Some(line_of(LIBRARY, "segv"))
        ),
        "{rendered:#?}"
    );
    assert!(
        stack.frames[0].in_module && stack.frames[0].interrupted,
        "{rendered:#?}"
    );
    assert!(
        stack.frames[1..].iter().all(|f| !f.interrupted),
        "{rendered:#?}"
    );
    let main = stack
        .frames
        .iter()
        .find(|f| f.function.as_deref() == Some("main"));
    let main = main.unwrap_or_else(|| panic!("no main: {rendered:#?}"));
    assert_eq!(main.line, Some(line_of(PROGRAM, "call")));
    assert!(!main.in_module);
    assert!(
        rendered.iter().all(|f| !f.contains(preload::FILE_NAME)),
        "{rendered:#?}"
    );
}

#[test]
fn an_abort_is_named_through_libc_and_inlined_frames() {
    let dir = build();
    let library = dir.path().join("tiny.so");
    let raw = crash(dir.path(), &library, "abort_here");
    let stack = symbolize_with(&raw, &target(&library), dir.path()).expect("a stack");
    assert_eq!(stack.signal, libc::SIGABRT);
    let rendered = stack.render();
    assert!(
        !stack.frames[0].in_module,
        "libc's abort comes first: {rendered:#?}"
    );
    assert_eq!(
        site(&stack),
        (
            Some("inner"),
            Some("tiny.c"),
            Some(line_of(LIBRARY, "abort"))
        )
    );
    let index = stack.frames.iter().position(|f| f.in_module).unwrap();
    assert!(stack.frames[index].inlined, "{rendered:#?}");
    let outer = &stack.frames[index + 1];
    assert_eq!(
        outer.function.as_deref(),
        Some("abort_here"),
        "{rendered:#?}"
    );
    assert_eq!(outer.address, stack.frames[index].address);
}

/// A copy of `tiny.so` in its own directory, for a stripping variant.
fn variant(dir: &Path, name: &str) -> PathBuf {
    let sub = dir.join(name);
    fs::create_dir(&sub).expect("mkdir");
    let copy = sub.join("tiny.so");
    fs::copy(dir.join("tiny.so"), &copy).expect("copy");
    copy
}

#[test]
fn stripped_libraries_fall_back_to_debug_files_and_symbol_tables() {
    let dir = build();
    let root = dir.path().join("debug-root");
    let line = line_of(LIBRARY, "segv");
    let resolve = |library: &Path| {
        let raw = crash(dir.path(), library, "crash_here");
        let stack = symbolize_with(&raw, &target(library), &root).expect("a stack");
        let (function, file, line) = site(&stack);
        (function.map(str::to_string), file.map(str::to_string), line)
    };
    let named = |file: Option<&str>, line: Option<u32>| {
        (
            Some("crash_here".to_string()),
            file.map(str::to_string),
            line,
        )
    };

    // No DWARF, the symbol table left: the function, no line.
    let no_dwarf = variant(dir.path(), "strip-debug");
    tool(
        no_dwarf.parent().unwrap(),
        "strip",
        &["--strip-debug", "tiny.so"],
    );
    assert_eq!(resolve(&no_dwarf), named(None, None));

    // Only the dynamic symbol table: still the (exported) function.
    let bare = variant(dir.path(), "strip-all");
    tool(bare.parent().unwrap(), "strip", &["--strip-all", "tiny.so"]);
    assert_eq!(resolve(&bare), named(None, None));

    // `.gnu_debuglink` naming a debug file beside the library.
    let linked = variant(dir.path(), "debuglink");
    let sub = linked.parent().unwrap();
    tool(
        sub,
        "objcopy",
        &["--only-keep-debug", "tiny.so", "tiny.debug"],
    );
    tool(sub, "strip", &["--strip-all", "tiny.so"]);
    tool(
        sub,
        "objcopy",
        &["--add-gnu-debuglink=tiny.debug", "tiny.so"],
    );
    assert_eq!(resolve(&linked), named(Some("tiny.c"), Some(line)));
    // A debug file that is not the one linked (its CRC differs) is not used.
    fs::write(sub.join("tiny.debug"), b"something else").expect("write");
    assert_eq!(resolve(&linked), named(None, None));

    // The build ID, under the debug root.
    let by_id = variant(dir.path(), "build-id");
    let sub = by_id.parent().unwrap();
    let id = object_build_id(&by_id);
    let id_dir = root.join(".build-id").join(&id[..2]);
    fs::create_dir_all(&id_dir).expect("mkdir");
    let debug_file = id_dir.join(format!("{}.debug", &id[2..]));
    tool(
        sub,
        "objcopy",
        &["--only-keep-debug", "tiny.so", debug_file.to_str().unwrap()],
    );
    tool(sub, "strip", &["--strip-all", "tiny.so"]);
    assert_eq!(resolve(&by_id), named(Some("tiny.c"), Some(line)));
}

fn object_build_id(path: &Path) -> String {
    use object::Object;
    let data = fs::read(path).expect("read");
    let file = object::File::parse(&*data).expect("parse");
    let id = file.build_id().expect("notes").expect("a build ID");
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_module_given_by_name_is_found_by_its_file_name() {
    let dir = build();
    let library = dir.path().join("tiny.so");
    let raw = crash(dir.path(), &library, "crash_here");
    let by_name = Target {
        name: "pkg.tiny".into(),
        path: None,
        sys_path: Vec::new(),
    };
    let stack = symbolize_with(&raw, &by_name, dir.path()).expect("a stack");
    assert_eq!(site(&stack).0, Some("crash_here"));
    let other = Target {
        name: "tin".into(),
        ..by_name
    };
    let stack = symbolize_with(&raw, &other, dir.path()).expect("a stack");
    assert_eq!(stack.crash_site(), None);
}

#[test]
fn the_walk_drops_the_handler_and_trampolines_and_marks_interrupted_frames() {
    let maps = [
        "1000-2000 r-xp 00000000 0:0 1 /run/extharness_crashtrace.so",
        "3000-4000 r-xp 00000000 0:0 1 /usr/lib/libc.so.6",
        "5000-6000 r-xp 00000000 0:0 1 /m/tiny.so",
    ];
    let record = |frames: &[u64], pc: Option<u64>| Record {
        signal: Some(11),
        pc,
        frames: frames.to_vec(),
        maps: maps.iter().filter_map(|l| Mapping::parse(l)).collect(),
        complete: true,
    };
    // Entered through faulthandler: handler, trampoline, its re-raise in
    // libc, the trampoline again, then the faulting module frame.
    let chained = record(
        &[
            0x1100, 0x1200, 0x3050, 0x3400, 0x3500, 0x3050, 0x5100, 0x5200,
        ],
        None,
    );
    assert_eq!(
        walk(&chained),
        [
            (0x3400, true),
            (0x3500, false),
            (0x5100, true),
            (0x5200, false)
        ]
    );
    // Nothing unwound past the handler: the CPU's pc stands alone.
    assert_eq!(walk(&record(&[0x1100], Some(0x5100))), [(0x5100, true)]);
    assert_eq!(walk(&record(&[], None)), []);
    // Without the handler's frames there is no telling the trampoline.
    assert_eq!(
        walk(&record(&[0x5100, 0x5200], Some(0x5100))),
        [(0x5100, true), (0x5200, false)]
    );
}

#[test]
fn garbage_and_anonymous_memory_give_no_names_and_no_panic() {
    let target = target(Path::new("/nonexistent/tiny.so"));
    assert_eq!(
        symbolize_with(b"garbage", &target, Path::new("/nonexistent")),
        None
    );
    let raw = "extharness-crashtrace 1\nsignal 11\nmaps\n\
               1000-2000 r-xp 00000000 0:0 1 /nonexistent/tiny.so\nmaps-end\n\
               frame 0x1100\nframe 0x9000\nframe 0x0\n";
    let stack =
        symbolize_with(raw.as_bytes(), &target, Path::new("/nonexistent")).expect("a stack");
    assert_eq!(
        stack.render(),
        [
            "#0 0x1100 (tiny.so)",
            "#1 0x9000 (no file)",
            "#2 0x0 (no file)"
        ]
    );
    assert!(!stack.complete);
}

#[test]
fn the_runtime_is_the_c_and_cpp_runtimes_the_loader_and_python_itself() {
    let runtime = [
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/x86_64-linux-gnu/libc-2.31.so",
        "/lib/x86_64-linux-gnu/libpthread-2.31.so",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        "/lib/x86_64-linux-gnu/ld-2.31.so",
        "/lib/ld-musl-aarch64.so.1",
        "/usr/lib/libc.musl-x86_64.so.1",
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
        "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1",
        "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
        "/opt/py/lib/libpython3.13t.so",
        "/usr/bin/python3.11",
        "/usr/bin/python3.11d",
        "/root/.pyenv/versions/3.13.1t/bin/python3.13t",
        "/opt/py/bin/python",
    ];
    let modules = [
        "/usr/lib/python3.11/lib-dynload/_ctypes.cpython-311-x86_64-linux-gnu.so",
        "/m/_speedups.abi3.so",
        "/usr/lib/x86_64-linux-gnu/libffi.so.8.1.2",
        "/m/libcrypto-3.so",
        "/m/libcore.so",
        "/m/python_ext.so",
        "/usr/bin/main",
    ];
    for path in runtime {
        assert!(is_runtime(Path::new(path)), "{path} is the runtime");
    }
    for path in modules {
        assert!(!is_runtime(Path::new(path)), "{path} is not the runtime");
    }
}

/// A record, as the handler writes it, of a crash in `ext`'s `strlen` call:
/// the handler, the trampoline, libc, the module, the C++ runtime it was
/// called through, then the interpreter.
fn record_through(ext: &str) -> String {
    format!(
        "extharness-crashtrace 1\nsignal 11\npc 0x3100\nmaps\n\
         1000-2000 r-xp 00000000 0:0 1 /run/extharness_crashtrace.so\n\
         3000-4000 r-xp 00000000 0:0 1 /lib/x86_64-linux-gnu/libc-2.31.so\n\
         5000-6000 r-xp 00000000 0:0 1 {ext}\n\
         7000-8000 r-xp 00000000 0:0 1 /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30\n\
         9000-a000 r-xp 00000000 0:0 1 /usr/bin/python3.11d\n\
         b000-c000 r-xp 00000000 0:0 1 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n\
         maps-end\n\
         frame 0x1100\nframe 0x3050\nframe 0x3100\nframe 0x5100\nframe 0x7100\nframe 0x9100\nframe 0xb100\nend\n"
    )
}

#[test]
fn without_a_module_the_crash_site_is_the_first_frame_outside_the_runtime() {
    let root = Path::new("/nonexistent");
    let ext = "/m/_speedups.cpython-311-x86_64-linux-gnu.so";
    let stack = symbolize_any_with(record_through(ext).as_bytes(), root).expect("a stack");
    let marked: Vec<(&str, bool)> = stack
        .frames
        .iter()
        .map(|f| (f.address.as_str(), f.in_module))
        .collect();
    assert_eq!(
        marked,
        [
            ("0x3100", false),
            ("0x5100", true),
            ("0x7100", false),
            ("0x9100", false),
            ("0xb100", false)
        ]
    );
    let site = stack.crash_site().expect("a crash site");
    assert_eq!(
        (site.address.as_str(), site.library.as_deref()),
        ("0x5100", Some(ext))
    );

    // Nothing but the runtime on the stack: no site to name.
    let runtime_only = record_through("/usr/lib/x86_64-linux-gnu/libm.so.6");
    let stack = symbolize_any_with(runtime_only.as_bytes(), root).expect("a stack");
    assert_eq!(stack.crash_site(), None);
}

#[test]
fn without_a_module_an_abort_is_placed_past_libc_in_the_library_that_called_it() {
    let dir = build();
    let library = dir.path().join("tiny.so");
    let raw = crash(dir.path(), &library, "abort_here");
    let stack = symbolize_any_with(&raw, dir.path()).expect("a stack");
    // The same stack and site as when the module is named.
    let named = symbolize_with(&raw, &target(&library), dir.path()).expect("a stack");
    assert_eq!(stack.render(), named.render());
    assert_eq!(
        site(&stack),
        (
            Some("inner"),
            Some("tiny.c"),
            Some(line_of(LIBRARY, "abort"))
        ),
        "{:#?}",
        stack.render()
    );
    // The program that loaded it is not the runtime either, but the module
    // called abort, so the module is named.
    let main = stack
        .frames
        .iter()
        .find(|f| f.function.as_deref() == Some("main"))
        .expect("main");
    assert!(main.in_module);
}
