use naming::{Build, SuffixTag};

use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// For a module in a wheel, checks that every CPython build the wheel's
    /// tags make an installer put it on loads the module's suffix, by the
    /// table of which builds list which `EXTENSION_SUFFIXES` entry
    /// (`naming::RULES`, from `Python/dynload_shlib.c` and
    /// `Python/dynload_win.c`).
    ///
    /// ## Why is this bad?
    /// The installer trusts the tags; the import system trusts the file
    /// name. When they disagree, the wheel installs and `import` does not
    /// find the module (`ModuleNotFoundError`): CPython skips a file whose
    /// suffix its build does not list. A `cp315-abi3.abi3t` wheel holding
    /// `spam.abi3.so` installs on free-threaded 3.15, which lists
    /// `.abi3t.so` but not `.abi3.so` (plain abi3 is the GIL-enabled ABI);
    /// a `cp39-abi3` wheel holding `spam.abi3-x86_64-linux-gnu.so` installs
    /// on 3.9 to 3.14, which do not list the triplet form (3.15 does;
    /// Debian's 3.14 by a patch of its own). Debug
    /// builds are not judged: installers give them release wheels, and no
    /// tag can say otherwise.
    ///
    /// ## Example
    /// ```text
    /// spam-1.0-cp315-abi3.abi3t-manylinux_2_34_x86_64.whl!spam.abi3.so
    /// ```
    ///
    /// ## How to fix
    /// Name the file for every build the tags admit (an abi3t module is
    /// `.abi3t.so`, loaded by 3.15's GIL-enabled and free-threaded builds),
    /// or narrow the tags to the builds that load the name (`cp315-abi3`
    /// for `.abi3.so`).
    pub struct TagSuffixMismatch {
        id: "tag-suffix-mismatch",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let (Some(wheel), Some(file)) = (facts.subject.wheel, &facts.file) else {
        return;
    };
    // A name no loader accepts is suffix-not-importable's.
    if !facts.importable {
        return;
    }
    let Some(rule) = naming::rule_for(file, facts.platform) else {
        return;
    };
    let refused: Vec<Build> = naming::installing_builds(&wheel.python_tags, &wheel.abi_tags)
        .into_iter()
        .filter(|build| !naming::loads(file, facts.platform, *build))
        .collect();
    if refused.is_empty() {
        return;
    }
    let loaded_by = match &file.tag {
        SuffixTag::Versioned { minor, flags, .. } => {
            let t = if flags.free_threaded { "t" } else { "" };
            format!("only CPython 3.{minor}{t}")
        }
        _ => rule.loaded_by(),
    };
    let names: Vec<String> = refused.iter().map(|b| format!("`{}`", name(*b))).collect();
    let (build_s, does) = if refused.len() == 1 {
        ("build", "does")
    } else {
        ("builds", "do")
    };
    out.push(Finding::new(
        &TagSuffixMismatch::META,
        format!(
            "its wheel's tags `{}-{}` have installers put it on CPython {build_s} {}, which {does} not load `{}`: {loaded_by} {} it, so `import {}` finds no module there",
            wheel.python_tags.join("."),
            wheel.abi_tags.join("."),
            crate::registry::name_list(&names),
            file.suffix,
            if loaded_by.starts_with("only") { "loads" } else { "load" },
            facts.module.as_deref().unwrap_or(&file.module),
        ),
    ));
}

fn name(build: Build) -> String {
    let t = if build.free_threaded { "t" } else { "" };
    format!("3.{}{t}", build.minor)
}
