//! The embedding host: the reinit scenario's child process. It loads the
//! interpreter's `libpython` at run time, so one host serves every CPython
//! from 3.8 on, release and debug builds alike, and runs `cycles` times:
//! initialise a runtime, run `cycle.py` in it (import, use, snapshot),
//! finalise it, count what it left behind.
//!
//! Protocol, JSON lines on file descriptor 3 like the probe's: the host
//! writes `phase` events itself (`reinit-initialize`, `reinit-finalize`,
//! with the cycle), so that a death inside `Py_InitializeEx` or
//! `Py_FinalizeEx` is placed; the script writes `reinit-import` and
//! `reinit-use` phases and one `reinit-cycle` event; after the script the
//! host writes `reinit-born` (which cycle allocated each object the script
//! named) and after finalisation `reinit-memory`; at the end
//! `reinit-done`, or `reinit-error` when the host itself failed.

use std::ffi::{CString, OsString, c_char, c_int};
use std::fs::{self, File};
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};
use std::time::Instant;

use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use thiserror::Error;

use super::tracker::{self, PyMemAllocatorEx, StrType};
use crate::process::child::REPORT_FD;

/// What the harness asks of the host: written as JSON into the private
/// directory, its path the host's only argument. `cycle.py` reads it too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Plan {
    pub libpython: PathBuf,
    /// `cycle.py`, and the probe whose helpers it uses.
    pub script: PathBuf,
    pub probe: PathBuf,
    /// Where the script writes the addresses of what it found, for the host.
    pub objects: PathBuf,
    pub cycles: u32,
    /// Seconds after the host's start when faulthandler should dump every
    /// thread's stack, shortly before the harness would kill it.
    pub dump_after: Option<f64>,
    /// The probe's `Target`; none for the baseline run.
    pub target: Option<Value>,
    /// The site directories of the virtual environment the interpreter was
    /// given in, which a runtime embedding the base installation's
    /// `libpython` does not find by itself: `cycle.py` adds them (with
    /// their `.pth` files) in every runtime, the baseline's too.
    #[serde(default)]
    pub site_packages: Vec<PathBuf>,
    pub no_call: Vec<String>,
}

#[derive(Debug, Error)]
enum HostError {
    #[error("usage: reinit-host PLAN (a JSON file the harness writes)")]
    Usage,
    #[error("cannot read the plan {path}: {reason}")]
    Plan { path: PathBuf, reason: String },
    #[error("cannot load {path}: {source}")]
    Load {
        path: PathBuf,
        source: libloading::Error,
    },
    #[error("{path} does not export {symbol}: {source}")]
    Symbol {
        path: PathBuf,
        symbol: &'static str,
        source: libloading::Error,
    },
    #[error("Py_PreInitialize failed: {0}")]
    PreInitialize(String),
    #[error("cannot read what the cycle script found ({path}): {reason}")]
    Objects { path: PathBuf, reason: String },
    #[error("cannot write to the harness: {0}")]
    Report(io::Error),
}

/// The embedding host's entry point: what `extharness reinit-host PLAN`
/// runs in the child. It ends the process itself, with `_exit`: status 0
/// after the last cycle, 2 when it could not do its work (it said why on
/// the report descriptor); it returns (2) only when it was not started by
/// the harness (no report descriptor).
pub fn host_main(args: &[OsString]) -> i32 {
    // SAFETY: F_GETFD only asks whether the descriptor is open.
    if unsafe { libc::fcntl(REPORT_FD, libc::F_GETFD) } == -1 {
        return 2;
    }
    // SAFETY: the descriptor is open and this process owns it (the
    // harness placed it there); ManuallyDrop leaves it open for Python's
    // writes to it.
    let mut report = Report(ManuallyDrop::new(unsafe { File::from_raw_fd(REPORT_FD) }));
    match host(args, &mut report) {
        // Not exit(): C `atexit` hooks the module registered run at process
        // exit, which the shutdown scenario judges; here they would report
        // it a second time. The probe ends with os._exit for the same
        // reason.
        // SAFETY: _exit ends the process; everything is reported.
        Ok(()) => unsafe { libc::_exit(0) },
        Err(error) => {
            let _ = report.event(json!({"event": "reinit-error", "message": error.to_string()}));
            // Not a return either: a runtime may still be initialised, with
            // the module's threads running, and exit() would run its C
            // `atexit` hooks.
            // SAFETY: _exit ends the process; the error is reported.
            unsafe { libc::_exit(2) }
        }
    }
}

fn host(args: &[OsString], report: &mut Report) -> Result<(), HostError> {
    let [plan_path] = args else {
        return Err(HostError::Usage);
    };
    let plan_path = PathBuf::from(plan_path);
    let plan: Plan = fs::read(&plan_path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|reason| HostError::Plan {
            path: plan_path.clone(),
            reason,
        })?;
    let start = Instant::now();
    let python = Python::load(&plan.libpython)?;
    let str_type = StrType(python.str_type);
    for cycle in 1..=plan.cycles {
        report.phase("reinit-initialize", cycle)?;
        tracker::set_cycle(cycle);
        python.pre_initialize()?;
        python.install_tracker();
        // SAFETY: the runtime is not initialised (first cycle, or finalised
        // by the previous one) and this thread will hold its GIL.
        unsafe { (python.initialize)(1) };
        let _ = fs::remove_file(&plan.objects);
        let dump_after = plan
            .dump_after
            .map_or(0.0, |d| d - start.elapsed().as_secs_f64());
        let code = bootstrap(&plan_path, &plan.script, cycle, dump_after);
        // SAFETY: the runtime is initialised and this thread holds the GIL.
        let script = unsafe { (python.run_simple_string)(code.as_ptr()) };
        let (objects, modules) = born(&plan.objects)?;
        report.event(json!({
            "event": "reinit-born",
            "cycle": cycle,
            "born": objects,
            "modules": modules,
        }))?;
        report.phase("reinit-finalize", cycle)?;
        // SAFETY: as for the script.
        let finalized = unsafe { (python.finalize)() };
        let left = tracker::live(str_type);
        report.event(json!({
            "event": "reinit-memory",
            "cycle": cycle,
            "script": script,
            "finalize": finalized,
            "blocks": left.blocks,
            "bytes": left.bytes,
            "interned": left.interned,
        }))?;
    }
    report.event(json!({"event": "reinit-done", "cycles": plan.cycles}))
}

/// The Python code the host runs in each runtime: load `cycle.py` from its
/// file (so that tracebacks show its lines) and call it.
fn bootstrap(plan: &Path, script: &Path, cycle: u32, dump_after: f64) -> CString {
    // A JSON string is a valid Python string literal.
    let literal = |p: &Path| Value::from(p.to_string_lossy()).to_string();
    let code = format!(
        "import importlib.util as _u\n\
         _s = _u.spec_from_file_location('_extharness_reinit', {script})\n\
         _extharness_reinit = _u.module_from_spec(_s)\n\
         _s.loader.exec_module(_extharness_reinit)\n\
         del _u, _s\n\
         _extharness_reinit.main({plan}, {cycle}, {dump_after:.3})\n",
        script = literal(script),
        plan = literal(plan),
    );
    CString::new(code).unwrap_or_default()
}

/// What the script wrote: the addresses of the objects it found, and of the
/// extension modules loaded.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Found {
    objects: std::collections::BTreeMap<String, usize>,
    modules: std::collections::BTreeMap<String, usize>,
    /// `PyObject_HEAD`'s size in this build.
    head: usize,
    /// The runtime's `(major, minor)`, which decides the module object's
    /// layout (absent: a script older than the field, before 3.15).
    #[serde(default)]
    version: Option<(u32, u32)>,
}

/// For each object the script named: the cycle whose runtime allocated the
/// block holding it (null: not a tracked block); for each module, the same
/// and what its definition says (see [`definition`]).
fn born(path: &Path) -> Result<(Value, Value), HostError> {
    let text = match fs::read(path) {
        Ok(text) => text,
        // The script failed before writing it; its own report says so.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((json!({}), json!({}))),
        Err(e) => {
            return Err(HostError::Objects {
                path: path.to_path_buf(),
                reason: e.to_string(),
            });
        }
    };
    let found: Found = serde_json::from_slice(&text).map_err(|e| HostError::Objects {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let objects = found
        .objects
        .into_iter()
        .map(|(name, address)| (name, Value::from(tracker::born(address))))
        .collect();
    let modules = found
        .modules
        .into_iter()
        .map(|(name, address)| {
            // SAFETY: the script keeps every module it named alive until
            // this runtime is finalised, and each is a module object.
            let layout = Layout::of(found.version.unwrap_or((3, 14)));
            let (multi_phase, m_size) = unsafe { definition(address, found.head, layout) };
            let facts = json!({
                "born": tracker::born(address),
                "multi_phase": multi_phase,
                "m_size": m_size,
            });
            (name, facts)
        })
        .collect();
    Ok((objects, modules))
}

/// Where a module object keeps what [`definition`] reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// 3.5 to 3.14: `PyModuleObject.md_def`, the second pointer after
    /// `PyObject_HEAD`, is the definition or null.
    Def,
    /// 3.15 (PEP 793, `Include/internal/pycore_moduleobject.h`): after
    /// `PyObject_HEAD`, `md_dict`, `md_state`, `md_weaklist`, `md_name`,
    /// then `bool md_token_is_def` (and, free-threaded, `bool
    /// md_requires_gil`) padded to a pointer, `Py_ssize_t md_state_size`,
    /// three state functions, `void *md_token` (the `PyModuleDef` when
    /// `md_token_is_def`), `md_exec`.
    Token,
}

impl Layout {
    fn of(version: (u32, u32)) -> Layout {
        if version >= (3, 15) {
            Layout::Token
        } else {
            Layout::Def
        }
    }
}

/// Whether the module object at `address` was made by multi-phase
/// initialisation, and the size of the state CPython allocates for it:
/// those two decide what CPython itself allocates for a module its create
/// slot hands back (judge.rs). A `PyModuleDef` has `m_size` five pointers
/// after its head and `m_slots` seven (unchanged from 3.5 to 3.15); a
/// definition with `m_slots` is multi-phase. From 3.15 a module made from
/// PEP 793 slots (`PyModExport_`) has no definition: it is multi-phase
/// (`module_from_def_and_spec` in `Objects/moduleobject.c` made it, and from
/// 3.13 single-phase init must return a module with a definition, or the
/// import fails), and its state size is `md_state_size`.
///
/// # Safety
/// `address` is a live module object of a runtime whose `PyObject_HEAD`
/// is `head` bytes and whose module object has `layout`.
unsafe fn definition(address: usize, head: usize, layout: Layout) -> (bool, Option<isize>) {
    const P: usize = std::mem::size_of::<usize>();
    // SAFETY: per the contract, the fields read lie inside the module
    // object, and a definition pointer points to a PyModuleDef, static in
    // its library.
    unsafe {
        let def = match layout {
            Layout::Def => *((address + head + P) as *const usize),
            Layout::Token => {
                let token_is_def = *((address + head + 4 * P) as *const u8) != 0;
                if !token_is_def {
                    let state_size = *((address + head + 5 * P) as *const isize);
                    return (true, Some(state_size));
                }
                *((address + head + 9 * P) as *const usize)
            }
        };
        if def == 0 {
            return (false, None);
        }
        let m_size = *((def + head + 5 * P) as *const isize);
        let m_slots = *((def + head + 7 * P) as *const usize);
        (m_slots != 0, Some(m_size))
    }
}

struct Report(ManuallyDrop<File>);

impl Report {
    fn event(&mut self, event: Value) -> Result<(), HostError> {
        let mut line = event.to_string();
        line.push('\n');
        self.0.write_all(line.as_bytes()).map_err(HostError::Report)
    }

    fn phase(&mut self, phase: &str, cycle: u32) -> Result<(), HostError> {
        self.event(json!({"event": "phase", "phase": phase, "cycle": cycle}))
    }
}

/// CPython's `PyStatus` (3.8+).
#[repr(C)]
struct PyStatus {
    kind: c_int,
    func: *const c_char,
    err_msg: *const c_char,
    exitcode: c_int,
}

/// Room for `PyPreConfig`: ten `int`s on Linux from 3.8 to 3.13, filled in
/// by `PyPreConfig_InitPythonConfig`, with space to spare.
type PreConfig = [c_int; 64];

const PYMEM_DOMAIN_RAW: c_int = 0;
const PYMEM_DOMAIN_MEM: c_int = 1;
const PYMEM_DOMAIN_OBJ: c_int = 2;

/// The few functions of the embedding API the host calls.
struct Python {
    pre_config_init: unsafe extern "C" fn(*mut PreConfig),
    pre_initialize: unsafe extern "C" fn(*const PreConfig) -> PyStatus,
    initialize: unsafe extern "C" fn(c_int),
    finalize: unsafe extern "C" fn() -> c_int,
    run_simple_string: unsafe extern "C" fn(*const c_char) -> c_int,
    set_allocator: unsafe extern "C" fn(c_int, *mut PyMemAllocatorEx),
    get_allocator: unsafe extern "C" fn(c_int, *mut PyMemAllocatorEx),
    /// `PyUnicode_Type`'s address, to tell strings among what a runtime
    /// left behind.
    str_type: usize,
    // Never unloaded, even when the host gives up: the functions above
    // point into it, and a runtime may still be running on it.
    _library: ManuallyDrop<Library>,
}

impl Python {
    fn load(path: &Path) -> Result<Python, HostError> {
        // Global, because extension modules resolve their `Py*` symbols
        // from the process, not from a library they link.
        // SAFETY: libpython's initialisers only set up static data.
        let library =
            unsafe { Library::open(Some(path), RTLD_NOW | RTLD_GLOBAL) }.map_err(|source| {
                HostError::Load {
                    path: path.to_path_buf(),
                    source,
                }
            })?;
        macro_rules! symbol {
            ($name:literal) => {
                // SAFETY: the type is the function's C signature (or the
                // data's address) in every version from 3.8 to 3.13.
                *unsafe { library.get($name) }.map_err(|source| HostError::Symbol {
                    path: path.to_path_buf(),
                    symbol: $name,
                    source,
                })?
            };
        }
        Ok(Python {
            pre_config_init: symbol!("PyPreConfig_InitPythonConfig"),
            pre_initialize: symbol!("Py_PreInitialize"),
            initialize: symbol!("Py_InitializeEx"),
            finalize: symbol!("Py_FinalizeEx"),
            run_simple_string: symbol!("PyRun_SimpleString"),
            set_allocator: symbol!("PyMem_SetAllocator"),
            get_allocator: symbol!("PyMem_GetAllocator"),
            str_type: {
                let address: *mut std::ffi::c_void = symbol!("PyUnicode_Type");
                address as usize
            },
            _library: ManuallyDrop::new(library),
        })
    }

    /// Pre-initialises the runtime: reads the environment's `PYTHON*`
    /// settings and sets up the allocators they ask for. On 3.12+ each new
    /// runtime starts from a pristine copy of the runtime state, allocators
    /// included, so this happens in every cycle; before, once.
    fn pre_initialize(&self) -> Result<(), HostError> {
        let mut config: PreConfig = [0; 64];
        // SAFETY: `config` has room for a PyPreConfig.
        let status = unsafe {
            (self.pre_config_init)(&mut config);
            (self.pre_initialize)(&config)
        };
        if status.kind == 0 {
            return Ok(());
        }
        let message = if status.err_msg.is_null() {
            format!("status {}", status.kind)
        } else {
            // SAFETY: CPython's error messages are static C strings.
            unsafe { std::ffi::CStr::from_ptr(status.err_msg) }
                .to_string_lossy()
                .into_owned()
        };
        Err(HostError::PreInitialize(message))
    }

    /// Wraps each domain's allocator in a tracking one, unless it still is
    /// from the last cycle. Pre-initialisation may have set the allocators
    /// up anew: 3.8 resets the runtime state at finalisation, 3.12+ at
    /// initialisation.
    fn install_tracker(&self) {
        for domain in [PYMEM_DOMAIN_RAW, PYMEM_DOMAIN_MEM, PYMEM_DOMAIN_OBJ] {
            let mut current = PyMemAllocatorEx::EMPTY;
            // SAFETY: PyMem_GetAllocator writes one PyMemAllocatorEx.
            unsafe { (self.get_allocator)(domain, &mut current) };
            if current.is_tracking() {
                continue;
            }
            let mut tracking = PyMemAllocatorEx::tracking(current);
            // SAFETY: pre-initialised and not initialised: the documented
            // moment to install an allocator; PyMem_SetAllocator copies it.
            unsafe { (self.set_allocator)(domain, &mut tracking) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: usize = 2 * std::mem::size_of::<usize>();

    /// A `PyModuleDef` as memory: `PyObject_HEAD`, `m_init`, `m_index`,
    /// `m_copy`, `m_name`, `m_doc`, `m_size`, `m_methods`, `m_slots`.
    fn def(m_size: isize, m_slots: usize) -> [usize; 12] {
        let mut words = [0usize; 12];
        words[7] = m_size as usize;
        words[9] = m_slots;
        words
    }

    #[test]
    fn a_definition_is_read_where_each_version_keeps_it() {
        let multi = def(24, 0x1000);
        let single = def(-1, 0);
        // 3.14: PyObject_HEAD, md_dict, md_def, md_state, ...
        let module = [0, 0, 0, &multi as *const _ as usize, 0xdead, 0, 0];
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Def) },
            (true, Some(24))
        );
        let module = [0, 0, 0, &single as *const _ as usize, 0, 0, 0];
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Def) },
            (false, Some(-1))
        );
        let module = [0usize; 7];
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Def) },
            (false, None)
        );
        // 3.15: PyObject_HEAD, md_dict, md_state (a block that is no
        // definition), md_weaklist, md_name, md_token_is_def,
        // md_state_size, three functions, md_token, md_exec.
        let state = [0xffusize; 12];
        let mut module = [0usize; 13];
        module[3] = &state as *const _ as usize;
        module[6] = 1;
        module[7] = 24;
        module[11] = &multi as *const _ as usize;
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Token) },
            (true, Some(24))
        );
        module[11] = &single as *const _ as usize;
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Token) },
            (false, Some(-1))
        );
        // PEP 793: no definition; the token, if any, is the module's own.
        module[6] = 0;
        module[7] = 64;
        module[11] = 0x1234;
        assert_eq!(
            unsafe { definition(module.as_ptr() as usize, HEAD, Layout::Token) },
            (true, Some(64))
        );
        assert_eq!(Layout::of((3, 14)), Layout::Def);
        assert_eq!(Layout::of((3, 15)), Layout::Token);
    }
}
