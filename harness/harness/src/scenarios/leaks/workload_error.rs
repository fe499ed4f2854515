checkmeta::declare_meta! {
    /// ## What it does
    /// Reports a workload that raised an exception: `run()` from
    /// `--workload FILE`, or `-c CODE`, did not complete. The traceback is
    /// given.
    ///
    /// ## Why is this bad?
    /// A workload that fails part-way does not exercise the module as
    /// intended, so the leak measurements made with it are not meaningful.
    /// The exception may be the workload's own mistake, or the module's bug:
    /// `SystemError: <built-in function parse> returned NULL without setting
    /// an exception` or `... returned a result with an exception set` come
    /// from C functions that break the error protocol.
    ///
    /// ## Example
    /// ```python
    /// # workload.py
    /// import spam
    ///
    /// def run():
    ///     spam.parse(open("data/sample.csv").read())
    /// ```
    /// ```text
    /// error[workload-error]: run() raised an exception
    ///   Traceback (most recent call last):
    ///     File "workload.py", line 5, in run
    ///       spam.parse(open("data/sample.csv").read())
    ///   FileNotFoundError: [Errno 2] No such file or directory: 'data/sample.csv'
    /// ```
    ///
    /// ## How to fix
    /// Make the workload run on its own: it runs under `python -I` with a
    /// clean environment in a temporary working directory, so it must not
    /// rely on the current directory, environment variables or user
    /// site-packages (build paths from `__file__`). If the exception comes
    /// from the module, fix the module.
    pub struct WorkloadError { id: "workload-error", severity: Error, group: Scenario }
}
