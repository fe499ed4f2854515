//! Why an import failed, from the exception the probe reported. CPython
//! says it in prose (`Python/importdl.c`, the dynamic loader's `dlerror`),
//! and wrapping ImportErrors bury the original error in `__cause__` or in
//! a message ("Original error was: ..."), so the prose is read here.

use crate::probe::ExcInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// No `PyInit_<name>` (or `PyInitU_`) is exported.
    MissingInit { symbol: Option<String> },
    /// The dynamic loader could not resolve a symbol the module needs.
    UndefinedSymbol { symbol: String },
    /// The dynamic loader refused the file (not an ELF object, wrong class,
    /// missing dependency).
    CannotOpen { reason: String },
    /// The init function returned NULL with no exception set.
    NullWithoutException,
    /// The init function returned something that is not a module or a
    /// module definition.
    WrongReturnType { message: String },
    /// The init function returned a module but left an exception set.
    UnreportedException,
    /// The init function (or an exec slot) raised.
    Raised { kind: String, message: String },
    /// Importing the package the module is in raised (its `__init__`, or a
    /// dependency it lacks): the package's failure, or the environment's,
    /// before the module was loaded at all.
    ParentImportFailed { message: String },
    /// The module's initialisation imports a module this environment does
    /// not have.
    MissingDependency { module: String },
}

impl Cause {
    /// A stable name for JSON evidence.
    pub fn name(&self) -> &'static str {
        match self {
            Cause::MissingInit { .. } => "missing-init-function",
            Cause::UndefinedSymbol { .. } => "undefined-symbol",
            Cause::CannotOpen { .. } => "cannot-open",
            Cause::NullWithoutException => "null-without-exception",
            Cause::WrongReturnType { .. } => "wrong-return-type",
            Cause::UnreportedException => "unreported-exception",
            Cause::Raised { .. } => "init-raised",
            Cause::ParentImportFailed { .. } => "parent-import-failed",
            Cause::MissingDependency { .. } => "missing-dependency",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Cause::MissingInit { symbol: Some(s) } => {
                format!("the library does not export the init function {s}")
            }
            Cause::MissingInit { symbol: None } => {
                "the library does not export the module's init function".to_string()
            }
            Cause::UndefinedSymbol { symbol } => {
                format!("the dynamic loader cannot resolve the symbol {symbol}")
            }
            Cause::CannotOpen { reason } => format!("the dynamic loader refused it: {reason}"),
            Cause::NullWithoutException => {
                "the init function returned NULL without setting an exception".to_string()
            }
            Cause::WrongReturnType { message } => {
                format!("the init function returned the wrong kind of object: {message}")
            }
            Cause::UnreportedException => {
                "the init function returned a module but left an exception set".to_string()
            }
            Cause::Raised { kind, message } => format!("initialisation raised {kind}: {message}"),
            Cause::ParentImportFailed { message } => message.clone(),
            Cause::MissingDependency { module } => {
                format!("its initialisation imports {module}, which this environment does not have")
            }
        }
    }
}

/// Classifies an import failure, looking through every wrapped exception.
pub fn classify(error: &ExcInfo) -> Cause {
    // The probe's own: the package failed before the module was loaded.
    if error.parent_failure().is_some() {
        return Cause::ParentImportFailed {
            message: first_line(&error.message).to_string(),
        };
    }
    let mut messages: Vec<(&str, &str)> = error
        .chain
        .iter()
        .map(|l| (l.kind.as_str(), l.message.as_str()))
        .collect();
    if messages.is_empty() {
        messages.push((&error.kind, &error.message));
    }
    // The loader's own words first, wherever they are in the chain.
    for (_, message) in &messages {
        if let Some(cause) = loader_cause(message) {
            return cause;
        }
    }
    for (kind, message) in &messages {
        if *kind == "SystemError"
            && let Some(cause) = init_protocol_cause(message)
        {
            return cause;
        }
    }
    // The innermost exception is the original one; a message that quotes it
    // ("Original error was: ...") is unwrapped too.
    let (kind, message) = messages[messages.len() - 1];
    let (kind, message) = match message.split_once("Original error was:") {
        Some((_, original)) => ("ImportError", original.trim()),
        None => (kind, message),
    };
    if kind == "ModuleNotFoundError"
        && let Some(module) = message
            .strip_prefix("No module named '")
            .and_then(|rest| rest.split_once('\''))
            .map(|(module, _)| module)
    {
        return Cause::MissingDependency {
            module: module.to_string(),
        };
    }
    Cause::Raised {
        kind: kind.to_string(),
        message: first_line(message).to_string(),
    }
}

fn loader_cause(message: &str) -> Option<Cause> {
    if message.contains("does not define module export function")
        || message.contains("does not define init function")
    {
        let symbol = message
            .rsplit_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(s, _)| s.to_string());
        return Some(Cause::MissingInit { symbol });
    }
    if let Some((_, rest)) = message.split_once("undefined symbol: ") {
        let symbol = rest.split_whitespace().next().unwrap_or(rest);
        return Some(Cause::UndefinedSymbol {
            symbol: symbol.trim_end_matches(['"', '\'', ')', ',']).to_string(),
        });
    }
    const DLOPEN: [&str; 5] = [
        "cannot open shared object file",
        "invalid ELF header",
        "wrong ELF class",
        "file too short",
        "cannot dynamically load",
    ];
    DLOPEN
        .iter()
        .any(|m| message.contains(m))
        .then(|| Cause::CannotOpen {
            reason: first_line(message).to_string(),
        })
}

fn init_protocol_cause(message: &str) -> Option<Cause> {
    if message.contains("without raising an exception") {
        Some(Cause::NullWithoutException)
    } else if message.contains("raised unreported exception") {
        Some(Cause::UnreportedException)
    } else if message.contains("did not return an extension module")
        || message.contains("did not return PyModuleDef")
        || message.contains("returned uninitialized object")
        || message.contains("not return a module")
    {
        Some(Cause::WrongReturnType {
            message: first_line(message).to_string(),
        })
    } else {
        None
    }
}

fn first_line(text: &str) -> &str {
    text.trim().lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ChainLink;

    fn exc(links: &[(&str, &str)]) -> ExcInfo {
        ExcInfo {
            kind: links[0].0.to_string(),
            message: links[0].1.to_string(),
            chain: links
                .iter()
                .map(|(k, m)| ChainLink {
                    kind: k.to_string(),
                    message: m.to_string(),
                })
                .collect(),
            traceback: String::new(),
        }
    }

    #[test]
    fn loader_messages() {
        assert_eq!(
            classify(&exc(&[(
                "ImportError",
                "dynamic module does not define module export function (PyInit_hidden_init)"
            )])),
            Cause::MissingInit {
                symbol: Some("PyInit_hidden_init".into())
            }
        );
        assert_eq!(
            classify(&exc(&[(
                "ImportError",
                "/tmp/x/m.cpython-312-x86_64-linux-gnu.so: undefined symbol: PyFoo_Bar"
            )])),
            Cause::UndefinedSymbol {
                symbol: "PyFoo_Bar".into()
            }
        );
        assert!(matches!(
            classify(&exc(&[("ImportError", "/x.so: invalid ELF header")])),
            Cause::CannotOpen { .. }
        ));
    }

    #[test]
    fn init_protocol_errors() {
        assert_eq!(
            classify(&exc(&[(
                "SystemError",
                "initialization of m failed without raising an exception"
            )])),
            Cause::NullWithoutException
        );
        assert!(matches!(
            classify(&exc(&[(
                "SystemError",
                "initialization of m did not return an extension module"
            )])),
            Cause::WrongReturnType { .. }
        ));
        assert_eq!(
            classify(&exc(&[(
                "SystemError",
                "initialization of m raised unreported exception"
            )])),
            Cause::UnreportedException
        );
    }

    #[test]
    fn wrapped_errors_are_dug_out() {
        let wrapped = exc(&[
            ("ImportError", "could not import the extension"),
            ("ValueError", "bad configuration"),
        ]);
        assert_eq!(
            classify(&wrapped),
            Cause::Raised {
                kind: "ValueError".into(),
                message: "bad configuration".into()
            }
        );
        let numpy = exc(&[(
            "ImportError",
            "IMPORTANT: PLEASE READ THIS\n\nOriginal error was: libfoo.so: cannot open shared object file: No such file or directory",
        )]);
        assert!(matches!(classify(&numpy), Cause::CannotOpen { .. }));
        let quoted = exc(&[(
            "ImportError",
            "something failed. Original error was: No module named 'six'",
        )]);
        assert_eq!(
            classify(&quoted),
            Cause::Raised {
                kind: "ImportError".into(),
                message: "No module named 'six'".into()
            }
        );
    }

    #[test]
    fn the_package_failing_first_is_its_own_cause() {
        let cause = classify(&exc(&[
            (
                "__main__.ParentImportFailed",
                "importing its package pkg raised ModuleNotFoundError: No module named 'numpy'",
            ),
            ("ModuleNotFoundError", "No module named 'numpy'"),
        ]));
        assert_eq!(cause.name(), "parent-import-failed");
        assert_eq!(
            cause.describe(),
            "importing its package pkg raised ModuleNotFoundError: No module named 'numpy'"
        );
    }

    #[test]
    fn a_module_its_initialisation_imports_may_be_missing() {
        let cause = classify(&exc(&[(
            "ModuleNotFoundError",
            "No module named 'numpy.core'",
        )]));
        assert_eq!(
            cause,
            Cause::MissingDependency {
                module: "numpy.core".into()
            }
        );
        assert_eq!(
            cause.describe(),
            "its initialisation imports numpy.core, which this environment does not have"
        );
    }
}
