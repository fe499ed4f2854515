use globset::{GlobBuilder, GlobMatcher};

use crate::finding_path::Located;

/// A per-file-ignore glob, compiled. `*` stops at `/` (`**` crosses it), and
/// a pattern without `/` matches the file name alone, as in `.gitignore`.
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    matcher: GlobMatcher,
    file_name_only: bool,
}

impl Pattern {
    pub fn compile(pattern: &str) -> Result<Pattern, globset::Error> {
        // `./x` is `x` at the root: anchored, unlike a bare `x`, which
        // matches the file name at any depth.
        let file_name_only = !pattern.contains('/');
        let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
        let glob = GlobBuilder::new(pattern).literal_separator(true).build()?;
        Ok(Pattern {
            matcher: glob.compile_matcher(),
            file_name_only,
        })
    }

    pub fn matches(&self, located: &Located<'_>) -> bool {
        located
            .candidates(self.file_name_only)
            .iter()
            .any(|candidate| self.matcher.is_match(candidate))
    }
}
