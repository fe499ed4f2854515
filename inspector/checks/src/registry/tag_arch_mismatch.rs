use binary::Arch;
use naming::{Platform, SuffixTag};

use crate::registry::declare_check;
use crate::facts::Facts;
use crate::finding::Finding;
use crate::registry::{a_format, platform_name, slice_names};

declare_check! {
    /// ## What it does
    /// Compares the architecture the tags name with the machine type of the
    /// binary: the platform in the file name (`x86_64-linux-gnu`,
    /// `win_arm64`) and the wheel's platform tags (`manylinux_2_17_aarch64`,
    /// `macosx_11_0_arm64`). For a fat Mach-O file every slice is checked,
    /// and `universal2` needs both an x86_64 and an arm64 slice. A wheel tag
    /// for another operating system than the binary's format is reported too.
    ///
    /// ## Why is this bad?
    /// pip picks wheels by tag. A wheel tagged for x86_64 that holds an
    /// aarch64 library installs fine and then fails at import with
    /// "wrong ELF class", "cannot open shared object file" or
    /// "%1 is not a valid Win32 application". Cross-compiling with the host's
    /// configuration, or retagging a wheel by hand, produces exactly this.
    ///
    /// ## Example
    /// ```text
    /// spam.cp312-win_amd64.pyd   <- COFF machine ARM64
    /// ```
    ///
    /// ## How to fix
    /// Build for the architecture the tag names (or tag for the one you
    /// built): with cross-compilation, set the target interpreter's
    /// configuration (`_PYTHON_HOST_PLATFORM`, `--plat-name`, maturin's
    /// `--target`). For `universal2`, build both slices and merge them with
    /// `lipo`.
    pub struct TagArchMismatch {
        id: "tag-arch-mismatch",
        severity: Error,
        run: Some(run),
    }
}

fn run(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let slices = facts.slices();
    let format = facts.format;
    if let Some(file) = &facts.file {
        let named = match &file.tag {
            SuffixTag::Versioned { platform, .. } => match facts.platform {
                Platform::Linux => naming::triplet_arch(platform).map(|a| (a, platform.clone())),
                Platform::Windows => {
                    naming::windows_tag_arch(platform).map(|a| (a, platform.clone()))
                }
                Platform::MacOs => None,
            },
            SuffixTag::Abi3 {
                triplet: Some(triplet),
                ..
            } => naming::triplet_arch(triplet).map(|a| (a, triplet.clone())),
            _ => None,
        };
        if let Some((arch, tag)) = named {
            let wrong: Vec<_> = slices.iter().filter(|s| s.arch != arch).collect();
            if !wrong.is_empty() {
                out.push(Finding::new(
                    &TagArchMismatch::META,
                    format!(
                        "the file name says {} (`{tag}`), but the {} machine is {}",
                        arch.name(),
                        format.title(),
                        slice_names(&wrong)
                    ),
                ));
            }
        }
    }
    let Some(wheel) = facts.subject.wheel else {
        return;
    };
    for tag in &wheel.platform_tags {
        let Some(parsed) = naming::parse_platform_tag(tag) else {
            if tag == "any" {
                out.push(Finding::new(
                    &TagArchMismatch::META,
                    format!(
                        "the wheel is tagged `any`, but this {} extension runs only on {}",
                        format.title(),
                        platform_name(facts.platform)
                    ),
                ));
            }
            continue;
        };
        if parsed.platform != facts.platform {
            out.push(Finding::new(
                &TagArchMismatch::META,
                format!(
                    "the wheel tag `{tag}` is for {}, but this is {}",
                    platform_name(parsed.platform),
                    a_format(format)
                ),
            ));
            continue;
        }
        let missing: Vec<Arch> = parsed
            .arches
            .iter()
            .copied()
            .filter(|a| !slices.iter().any(|s| s.arch == *a))
            .collect();
        if !missing.is_empty() {
            let needs: Vec<_> = missing.iter().map(|a| a.name()).collect();
            out.push(Finding::new(
                &TagArchMismatch::META,
                format!(
                    "the wheel tag `{tag}` needs {}, but the {} file has {}",
                    needs.join(" and "),
                    format.title(),
                    slice_names(&slices.iter().collect::<Vec<_>>())
                ),
            ));
        }
    }
}
