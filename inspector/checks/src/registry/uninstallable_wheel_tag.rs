use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::declare_check;

declare_check! {
    /// ## What it does
    /// Checks that the wheel's python and ABI tags name some interpreter's
    /// supported tags: at least one (python, ABI) pair of its compressed tag
    /// sets must be one an installer offers.
    ///
    /// ## Why is this bad?
    /// pip and uv install a wheel only when one of its tags is in the
    /// running interpreter's supported-tag list, which `packaging.tags`
    /// builds: the python tag is `cp<XY>`, digits only; the ABI tag is the
    /// interpreter's own (`cp<XY>`, `cp<XY>t`, `cp<XY>d`), `abi3` on
    /// GIL-enabled builds, `abi3t` on free-threaded ones (PEP 803), or
    /// `none`. A wheel tagged `cp315t-abi3t` is in no such list: the `t`
    /// belongs to the ABI tag, never the python tag, so no installer on any
    /// interpreter picks it, and users silently get the sdist or an older
    /// release instead.
    ///
    /// ## Example
    /// ```text
    /// spam-1.0-cp315t-abi3t-manylinux_2_34_x86_64.whl
    /// ```
    ///
    /// ## How to fix
    /// Tag the wheel `cp315-abi3t` (free-threaded 3.15+ installs it), or
    /// `cp315-abi3.abi3t` when the module also targets GIL-enabled builds
    /// (what cryptography 51 ships); a version-specific free-threaded build
    /// is `cp315-cp315t`. Build backends that know PEP 803 (setuptools'
    /// `py_limited_api`, maturin) write these tags themselves.
    pub struct UninstallableWheelTag {
        id: "uninstallable-wheel-tag",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(wheel) = facts.subject.wheel else {
        return;
    };
    let Some(reason) = naming::uninstallable_reason(&wheel.python_tags, &wheel.abi_tags) else {
        return;
    };
    out.push(Finding::new(
        &UninstallableWheelTag::META,
        format!(
            "no installer installs this wheel: its tags `{}-{}` are in no interpreter's supported-tag list (packaging.tags): {reason}",
            wheel.python_tags.join("."),
            wheel.abi_tags.join(".")
        ),
    ));
}
