//! Both tools' findings in one common view ([`Run`]), rendered for CI:
//! JSON Lines ([`json_lines`]), SARIF 2.1.0 for GitHub code scanning
//! ([`sarif`]), JUnit XML for test-report views ([`junit`]) and GitHub
//! Actions workflow commands ([`github`]). The tools convert their own
//! reports into the view and keep their `text` and `json` renderers; every
//! format here shows the same findings.

mod fingerprint;
mod github;
mod json_lines;
mod junit;
mod sarif;
mod uri;
mod view;

pub use checkmeta::{CheckMeta, Severity};
pub use github::github;
pub use json_lines::json_lines;
pub use junit::junit;
pub use sarif::sarif;
pub use view::{Diagnostic, Notice, Run, SourceLocation, Status, Subject, Suppressed, Tool};
