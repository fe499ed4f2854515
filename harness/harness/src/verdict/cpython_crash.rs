checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a child that died by a signal inside one of CPython's own
    /// extension modules (a file of the interpreter's `lib-dynload`) with no
    /// frame of the module under test anywhere on its native stack: the
    /// scenario reached a bug of the interpreter, not of the module. It
    /// replaces the scenario's crash check (`reinit-crash`, `import-crash`,
    /// ...) for that death, and gives the same evidence: phase, signal, the
    /// native and Python stacks, and CPython's frame that died.
    ///
    /// The rule is the stack's, and strict: a frame of the module's own
    /// library anywhere on the stack keeps the crash the module's, and so
    /// does a death in `libpython` alone (a module can corrupt what CPython
    /// frees later).
    ///
    /// ## Why is this bad?
    /// The module's users hit it all the same, in the same scenario: an
    /// embedding application that finalises and initialises CPython 3.12.1
    /// again dies as soon as the second runtime imports `datetime` (a plain
    /// C host that does `Py_Initialize`, `import datetime`, `Py_FinalizeEx`
    /// twice aborts with "double free or corruption"), so every module whose
    /// package imports `datetime` (msgpack, PyYAML, psutil, ...) dies there.
    /// The module's author cannot fix that; its users can, by choosing
    /// another CPython release. So it is a warning that names CPython's
    /// module, not an error of the module.
    ///
    /// ## Example
    /// ```python
    /// # spam/__init__.py
    /// import datetime
    /// from ._spam import *
    /// ```
    /// ```text
    /// warning[cpython-crash]: the interpreter died by SIGABRT in phase reinit-import (cycle 2), inside CPython's own _datetime.cpython-312-x86_64-linux-gnu.so (PyInit__datetime at _datetimemodule.c:6934); no frame of the module is on the stack
    /// ```
    ///
    /// ## How to fix
    /// Nothing in the module. Check the interpreter's release notes for the
    /// crash, upgrade CPython, and tell embedders which releases work;
    /// report the stack to CPython when the newest release still dies.
    pub struct CpythonCrash { id: "cpython-crash", severity: Warning, group: Scenario }
}
