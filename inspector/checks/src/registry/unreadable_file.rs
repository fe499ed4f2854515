use crate::registry::declare_check;
use crate::finding::Finding;

declare_check! {
    /// ## What it does
    /// Reports a path that could not be inspected: it could not be read, or
    /// it is not an ELF, Mach-O or PE file, or it is one that is truncated or
    /// malformed. The message says which.
    ///
    /// ## Why is this bad?
    /// A file that `extinspect` cannot parse is one the dynamic loader cannot
    /// load either: `import` fails with "invalid ELF header", "not a mach-o
    /// file" or "%1 is not a valid Win32 application". When the path was
    /// named on the command line or sits in a wheel with an extension
    /// module's name, something produced a broken artifact.
    ///
    /// ## Example
    /// ```text
    /// $ extinspect broken.cpython-312-x86_64-linux-gnu.so
    /// broken.cpython-312-x86_64-linux-gnu.so
    ///   error[unreadable-file]: truncated or malformed ELF file: ...
    /// ```
    ///
    /// ## How to fix
    /// Rebuild the file; check that the build or packaging step copied the
    /// whole binary (not a Git LFS pointer, not a partial download) and that
    /// the path is an extension module, not a source or text file.
    pub struct UnreadableFile {
        id: "unreadable-file",
        severity: Error,
        run: None,
    }
}

pub fn finding(detail: &str) -> Finding {
    // The message must stay one line whatever the error source says.
    let line = detail.split_whitespace().collect::<Vec<_>>().join(" ");
    Finding::new(&UnreadableFile::META, line)
}
