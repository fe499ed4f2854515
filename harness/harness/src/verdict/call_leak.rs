checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a call that leaks references, memory blocks or file
    /// descriptors, found by one of two scenarios.
    ///
    /// The `leaks` scenario runs a workload (`run()` from `--workload FILE`,
    /// or `-c CODE`) repeatedly with `regrtest -R`'s clean-up between runs
    /// (`gc.collect()`, type cache and other caches cleared); after warm-up
    /// runs the harness measures what each run adds: total references
    /// (`sys.gettotalrefcount()`, debug builds only, corrected on 3.12+ for
    /// strings interned during the run), allocated memory blocks
    /// (`sys.getallocatedblocks()`) and open file descriptors. It is a leak
    /// when every reference delta, or every block delta, is at least 1, or
    /// when any file-descriptor delta is not zero. The message gives the
    /// deltas and the measures the verdict rests on.
    ///
    /// The `exercise` scenario (`--scenario exercise`) needs no workload: it
    /// calls every function and type the module owns, and the public methods
    /// of each type's instances when `Type()` makes one (a new instance per
    /// call), with 133 argument shapes, swallowing what they raise: `()`;
    /// each of eleven values alone, named `(None)`, `(int)` (1),
    /// `(negative int)` (-1), `(huge int)` (2**100), `(float)` (1.5), `(str)`
    /// ('ab'), `(bytes)` (b'ab'), `(list)` ([1, 2]), `(tuple)` ((1, 2)),
    /// `(dict)` ({'a': 1}), `(object)` (an instance of a class of its own);
    /// and every ordered pair of them, `(None, None)` to
    /// `(object, object)`. Each value is made anew for every call, so a
    /// leaked reference to it is also a leaked memory block. Each callable
    /// is measured with the same rule over rounds of one call per shape,
    /// and when its rounds grow, each shape on its own with one call per
    /// run. The message names the callable (`NAME` or `Type.method`) and the
    /// shapes that leak on every call (all of them in the evidence, with
    /// their deltas), or says that only the rounds leak. `--no-exercise
    /// GLOB` spares callables with side effects; a call past `--call-limit`
    /// (2 s) is interrupted and that callable left out.
    ///
    /// **What leaked.** When the measured runs grew, the same action runs
    /// three times more under `tracemalloc` (the workload; in the exercise,
    /// one call of each leaking shape, else the rounds), with GC-tracked
    /// objects counted by type before and after; the measured runs are
    /// over by then, so this changes no delta. The evidence's
    /// `allocation_sites` are the Python tracebacks holding at least one
    /// more memory block per run (top five): tracemalloc sees Python frames
    /// only, so for memory a C function allocates, the site is the Python
    /// line that called the function that allocated. `surviving_types` are
    /// the types whose GC-tracked objects grew by at least one per run
    /// (objects the GC does not track, like `object()`, strings and
    /// numbers, show only as sites). The message ends with the top site in
    /// the user's code and the top type: `; most: 1 block/run allocated at
    /// <-c>:1`. In the exercise the arguments are the probe's, so their
    /// sites are too (`<extharness probe>:LINE`, left out of the message),
    /// and `__main__.Fresh` is its `(object)` argument.
    ///
    /// ## Why is this bad?
    /// Memory or descriptors grow with every call until a long-running process
    /// runs out; one-off caches give zeros or mixed deltas, so growth in every
    /// run is a leak. Only a debug interpreter counts references, so the harness
    /// also runs the debug build of the same version when there is one.
    ///
    /// ## Example
    /// ```c
    /// static PyObject *spam_store(PyObject *m, PyObject *obj) {
    ///     Py_INCREF(obj);                           /* never given back */
    ///     Py_RETURN_NONE;
    /// }
    /// ```
    /// ```python
    /// import spam                                   # workload.py
    /// def run():
    ///     for _ in range(100):
    ///         spam.store(object())
    /// ```
    /// ```text
    /// error[call-leak]: the workload leaks: references [100, 100, 100], memory blocks [100, 100, 100] per measured run (verdict on references, memory blocks, file descriptors); most: 100 blocks/run allocated at workload.py:4
    /// ```
    /// The exercise scenario finds the same bug on its own, and error paths
    /// no workload takes, like a tuple built for `PySequence_SetItem` and
    /// not released when the sequence refuses the assignment:
    /// ```text
    /// error[call-leak]: insert_powers leaks when called with (str, None), (str, int), (str, negative int) and 30 more: memory blocks [1, 1, 1, 1, 1, 1] per call with (str, None) (verdict on memory blocks, file descriptors)
    /// ```
    ///
    /// ## How to fix
    /// Release every new reference on every path, error paths included
    /// (`Py_XDECREF` before each `return NULL`), and close what you open.
    /// Narrow the workload to one call, or repeat the call with the shape the
    /// exercise scenario names (`insert_powers('ab', None)`), and watch
    /// `sys.gettotalrefcount()` on a debug build.
    pub struct CallLeak { id: "call-leak", severity: Error, group: Scenario }
}
