//! Reading CPython's headers: which `PyAPI_FUNC`/`PyAPI_DATA` declarations
//! only some platforms' builds make (`data/platforms/`), and the version the
//! headers are of. What `cargo run -p devtools -- platform-symbols` writes and
//! the tests compare with the committed files.
//!
//! The conditions around each declaration are evaluated on three platforms
//! (Linux, Windows, macOS) with three values each: defined, not defined,
//! unknown. A condition with the same value on every platform (an include
//! guard, `Py_LIMITED_API`, `Py_BUILD_CORE`) says nothing about the platform
//! and is left out; what remains says on which platforms the declaration
//! exists.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::PyVersion;

pub const PLATFORM_COMMAND: &str = "cargo run -p devtools -- platform-symbols";

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    No,
    Unknown,
    Yes,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::No => Tri::Yes,
            Tri::Yes => Tri::No,
            Tri::Unknown => Tri::Unknown,
        }
    }
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }
    fn or(self, other: Tri) -> Tri {
        self.not().and(other.not()).not()
    }
}

/// The platforms a condition is evaluated on, in this order.
pub const PLATFORMS: [&str; 3] = ["linux", "windows", "macos"];
const LINUX: usize = 0;
const WINDOWS: usize = 1;
const MACOS: usize = 2;

type Truth = [Tri; 3];

const UNKNOWN: Truth = [Tri::Unknown; 3];
const YES: Truth = [Tri::Yes; 3];

fn map(t: Truth, f: impl Fn(Tri) -> Tri) -> Truth {
    [f(t[0]), f(t[1]), f(t[2])]
}
fn zip(a: Truth, b: Truth, f: impl Fn(Tri, Tri) -> Tri) -> Truth {
    [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2])]
}

/// What each platform's build defines: the platform macros, and the
/// `HAVE_*` configuration macros as far as they are known.
struct Macros {
    /// `HAVE_*` macros the Linux `pyconfig.h` of these headers defines.
    linux_have: BTreeSet<String>,
}

impl Macros {
    fn defined(&self, name: &str) -> Truth {
        use Tri::*;
        match name {
            // PC/pyconfig.h defines MS_WIN32 and MS_WINDOWS; every Windows
            // compiler defines _WIN32 (WIN32 by the build's flags).
            "MS_WINDOWS" | "MS_WIN32" | "_WIN32" | "WIN32" => [No, Yes, No],
            // 64-bit or not, MSVC or MinGW, x87 stack checking: depends on the
            // Windows build.
            "MS_WIN64" | "_WIN64" | "_MSC_VER" | "__MINGW32__" | "_M_ARM" | "_M_IX86"
            | "USE_STACKCHECK" => [No, Unknown, No],
            "__CYGWIN__" | "__FreeBSD__" | "__OpenBSD__" | "__NetBSD__" | "_AIX" | "__hpux"
            | "__VXWORKS__" | "__EMSCRIPTEN__" | "__wasi__" => [No, No, No],
            "__APPLE__" => [No, No, Yes],
            "__linux__" => [Yes, No, No],
            // Misc/stable_abi.toml: feature macro HAVE_FORK, `windows = false`.
            "HAVE_FORK" => [Yes, No, Yes],
            _ if name.starts_with("HAVE_") => {
                let linux = if self.linux_have.contains(name) {
                    Yes
                } else {
                    No
                };
                // Not decided: PC/pyconfig.h and macOS's configure are not
                // read (the declarations under them are listed as undecided).
                [linux, Unknown, Unknown]
            }
            _ => UNKNOWN,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Punct(&'static str),
    Other,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token::Ident(text[start..i].to_owned()));
        } else if text[i..].starts_with("&&") {
            tokens.push(Token::Punct("&&"));
            i += 2;
        } else if text[i..].starts_with("||") {
            tokens.push(Token::Punct("||"));
            i += 2;
        } else if text[i..].starts_with("!=") {
            tokens.push(Token::Other);
            i += 2;
        } else if c == b'!' {
            tokens.push(Token::Punct("!"));
            i += 1;
        } else if c == b'(' {
            tokens.push(Token::Punct("("));
            i += 1;
        } else if c == b')' {
            tokens.push(Token::Punct(")"));
            i += 1;
        } else {
            tokens.push(Token::Other);
            i += 1;
        }
    }
    tokens
}

/// A recursive-descent reading of a `#if` expression: `defined`, `!`, `&&`,
/// `||` and parentheses are understood; any comparison or arithmetic makes
/// its operand unknown.
struct Expr<'a> {
    tokens: &'a [Token],
    at: usize,
    macros: &'a Macros,
}

impl Expr<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }
    fn or(&mut self) -> Truth {
        let mut value = self.and();
        while self.peek() == Some(&Token::Punct("||")) {
            self.at += 1;
            let right = self.and();
            value = zip(value, right, Tri::or);
        }
        value
    }
    fn and(&mut self) -> Truth {
        let mut value = self.relation();
        while self.peek() == Some(&Token::Punct("&&")) {
            self.at += 1;
            let right = self.relation();
            value = zip(value, right, Tri::and);
        }
        value
    }
    /// A unary operand, followed by any number of operators this reader
    /// does not evaluate: `_MSC_VER >= 1300` is unknown.
    fn relation(&mut self) -> Truth {
        let mut value = self.unary();
        while self.peek() == Some(&Token::Other) {
            while self.peek() == Some(&Token::Other) {
                self.at += 1;
            }
            if self.peek().is_some() {
                self.unary();
            }
            value = UNKNOWN;
        }
        value
    }
    fn unary(&mut self) -> Truth {
        match self.peek().cloned() {
            Some(Token::Punct("!")) => {
                self.at += 1;
                map(self.unary(), Tri::not)
            }
            Some(Token::Punct("(")) => {
                self.at += 1;
                let value = self.or();
                if self.peek() == Some(&Token::Punct(")")) {
                    self.at += 1;
                }
                value
            }
            Some(Token::Ident(word)) if word == "defined" => {
                self.at += 1;
                let parenthesised = self.peek() == Some(&Token::Punct("("));
                if parenthesised {
                    self.at += 1;
                }
                let value = match self.peek().cloned() {
                    Some(Token::Ident(name)) => {
                        self.at += 1;
                        self.macros.defined(&name)
                    }
                    _ => UNKNOWN,
                };
                if parenthesised && self.peek() == Some(&Token::Punct(")")) {
                    self.at += 1;
                }
                value
            }
            Some(Token::Ident(_)) => {
                self.at += 1;
                // A function-like macro's arguments.
                if self.peek() == Some(&Token::Punct("(")) {
                    self.skip_group();
                }
                UNKNOWN
            }
            Some(_) => {
                self.at += 1;
                UNKNOWN
            }
            None => UNKNOWN,
        }
    }
    fn skip_group(&mut self) {
        let mut depth = 0;
        while let Some(token) = self.peek().cloned() {
            self.at += 1;
            match token {
                Token::Punct("(") => depth += 1,
                Token::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

fn evaluate(expression: &str, macros: &Macros) -> Truth {
    let tokens = tokenize(expression);
    let mut expr = Expr {
        tokens: &tokens,
        at: 0,
        macros,
    };
    neutral(expr.or())
}

/// A condition that is the same everywhere does not tell platforms apart (an
/// include guard, Py_LIMITED_API, Py_BUILD_CORE, and their `#else`): it
/// counts as true.
fn neutral(value: Truth) -> Truth {
    if value[0] == value[1] && value[1] == value[2] {
        YES
    } else {
        value
    }
}

/// One open `#if` group: the value of the branch being read, and whether an
/// earlier branch may have been taken.
struct Frame {
    current: Truth,
    taken: Truth,
}

/// C source with comments removed and continued lines joined.
fn clean(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_string: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(quote) = in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == quote || c == '\n' {
                in_string = None;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' | '\'' => {
                in_string = Some(c);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.replace("\\\r\n", " ").replace("\\\n", " ")
}

/// The name a `PyAPI_FUNC(type) ... name(` or `PyAPI_DATA(type) ... name;`
/// declaration declares, read from the text after the macro's argument.
fn declared_name(after: &str, function: bool) -> Option<String> {
    let tokens = tokenize_c(after);
    if function {
        // The identifier right before the first parenthesis.
        let mut last = None;
        for token in tokens {
            match token {
                CToken::Ident(name) => last = Some(name),
                CToken::Punct('(') => return last,
                CToken::Punct(';') => return None,
                CToken::Punct(_) => {}
            }
        }
        None
    } else {
        tokens
            .into_iter()
            .take_while(|t| *t != CToken::Punct(';'))
            .find_map(|t| match t {
                CToken::Ident(name) if !matches!(name.as_str(), "const" | "volatile") => Some(name),
                _ => None,
            })
    }
}

#[derive(Debug, PartialEq)]
enum CToken {
    Ident(String),
    Punct(char),
}

fn tokenize_c(text: &str) -> Vec<CToken> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_alphabetic() || c == '_' {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_alphanumeric() || d == '_' {
                    end = j + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(CToken::Ident(text[i..end].to_owned()));
            if tokens.len() > 64 {
                break;
            }
        } else if !c.is_whitespace() {
            tokens.push(CToken::Punct(c));
            if c == ';' {
                break;
            }
        }
    }
    tokens
}

/// The end of the balanced parenthesis group that opens at `open`.
fn group_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where each `Py*`/`_Py*` name the headers declare with `PyAPI_FUNC` or
/// `PyAPI_DATA` is declared: per platform, whether some declaration of it
/// exists there.
pub fn declarations(include: &Path) -> Result<BTreeMap<String, Truth>, std::io::Error> {
    let linux_have = fs::read_to_string(include.join("pyconfig.h"))?
        .lines()
        .filter_map(|l| l.trim().strip_prefix("#define "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| name.starts_with("HAVE_"))
        .map(str::to_owned)
        .collect();
    let macros = Macros { linux_have };
    let mut found: BTreeMap<String, Truth> = BTreeMap::new();
    for header in header_files(include)? {
        let text = clean(&fs::read_to_string(&header)?);
        let mut stack: Vec<Frame> = Vec::new();
        let mut code = String::new();
        let mut flush = |code: &mut String, stack: &[Frame]| {
            let here = stack
                .iter()
                .fold(YES, |acc, f| zip(acc, f.current, Tri::and));
            for (function, marker) in [(true, "PyAPI_FUNC"), (false, "PyAPI_DATA")] {
                let mut from = 0;
                while let Some(at) = code[from..].find(marker) {
                    let start = from + at + marker.len();
                    from = start;
                    let open = code[start..].find(|c: char| !c.is_whitespace());
                    let Some(open) = open.map(|o| start + o) else {
                        break;
                    };
                    if !code[open..].starts_with('(') {
                        continue;
                    }
                    let Some(close) = group_end(code, open) else {
                        break;
                    };
                    if let Some(name) = declared_name(&code[close + 1..], function)
                        && (name.starts_with("Py") || name.starts_with("_Py"))
                    {
                        let entry = found.entry(name).or_insert([Tri::No; 3]);
                        *entry = zip(*entry, here, Tri::or);
                    }
                    from = close;
                }
            }
            code.clear();
        };
        for line in text.lines() {
            let trimmed = line.trim_start();
            let Some(directive) = trimmed.strip_prefix('#') else {
                code.push_str(line);
                code.push('\n');
                continue;
            };
            let directive = directive.trim_start();
            let (word, rest) = directive
                .split_once(|c: char| c.is_whitespace() || c == '(' || c == '!')
                .map(|(w, _)| (w, directive[w.len()..].trim()))
                .unwrap_or((directive, ""));
            match word {
                "if" | "ifdef" | "ifndef" | "elif" | "else" | "endif" => {
                    flush(&mut code, &stack);
                }
                _ => continue,
            }
            match word {
                "if" | "ifdef" | "ifndef" => {
                    let name = rest.split_whitespace().next().unwrap_or("");
                    let value = match word {
                        "if" => evaluate(rest, &macros),
                        "ifdef" => evaluate(&format!("defined({name})"), &macros),
                        _ => evaluate(&format!("!defined({name})"), &macros),
                    };
                    stack.push(Frame {
                        current: value,
                        taken: value,
                    });
                }
                "elif" => {
                    if let Some(frame) = stack.last_mut() {
                        let value = evaluate(rest, &macros);
                        frame.current = neutral(zip(map(frame.taken, Tri::not), value, Tri::and));
                        frame.taken = zip(frame.taken, value, Tri::or);
                    }
                }
                "else" => {
                    if let Some(frame) = stack.last_mut() {
                        frame.current = neutral(map(frame.taken, Tri::not));
                        frame.taken = YES;
                    }
                }
                _ => {
                    stack.pop();
                }
            }
        }
        flush(&mut code, &stack);
    }
    Ok(found)
}

fn header_files(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "h") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The `include/python3.X` directory of every pyenv CPython 3.6 or later
/// here, newest micro version per feature version, sorted by version.
pub fn pyenv_include_dirs() -> Vec<PathBuf> {
    let Some(root) = interpreters::pyenv_root() else {
        return Vec::new();
    };
    let mut best: BTreeMap<PyVersion, (Vec<u32>, PathBuf)> = BTreeMap::new();
    let Ok(entries) = fs::read_dir(root.join("versions")) else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let Ok(includes) = fs::read_dir(entry.path().join("include")) else {
            continue;
        };
        for include in includes.flatten() {
            let path = include.path();
            let Ok((version, full)) = headers_version(&path) else {
                continue;
            };
            if version < PyVersion::new(3, 6) || !path.join("Python.h").is_file() {
                continue;
            }
            let micro: Vec<u32> = full
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|p| p.parse().ok())
                .collect();
            match best.get(&version) {
                Some((seen, _)) if *seen >= micro => {}
                _ => {
                    best.insert(version, (micro, path));
                }
            }
        }
    }
    best.into_values().map(|(_, path)| path).collect()
}

/// `PY_VERSION` from the headers' `patchlevel.h`: `3.12.1`.
pub fn headers_version(include: &Path) -> Result<(PyVersion, String), std::io::Error> {
    let text = fs::read_to_string(include.join("patchlevel.h"))?;
    let full = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("#define PY_VERSION"))
        .filter_map(|rest| rest.trim().strip_prefix('"')?.split('"').next())
        .next()
        .map(str::to_owned);
    let invalid = || std::io::Error::other(format!("{}: no PY_VERSION", include.display()));
    let full = full.ok_or_else(invalid)?;
    let mut parts = full.split('.');
    let version = match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => {
            let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
            format!("{major}.{minor}").parse().map_err(|_| invalid())?
        }
        _ => return Err(invalid()),
    };
    Ok((version, full))
}

/// The platform file of one version's headers, as committed under
/// `data/platforms/<version>.txt`.
pub fn render_platforms(include: &Path) -> Result<(PyVersion, String), std::io::Error> {
    let (version, full) = headers_version(include)?;
    let declared = declarations(include)?;
    let mut text = format!(
        "# The PyAPI_FUNC/PyAPI_DATA declarations of CPython {full}'s headers that only some\n\
         # platforms' builds make, from the #if conditions around them (inspector/abi/README.md).\n\
         # `<platform>+ NAME`: declared there and not on Linux; `<platform>- NAME`: declared on\n\
         # Linux and not there; a `?` marks what the conditions leave undecided.\n\
         # headers: {include}\n\
         # regenerate: {PLATFORM_COMMAND} [--include DIR]...\n",
        include = include.display(),
    );
    for (platform, index) in [("windows", WINDOWS), ("macos", MACOS)] {
        for (name, truth) in &declared {
            let (linux, there) = (truth[LINUX], truth[index]);
            let line = match (linux, there) {
                (Tri::No, Tri::Yes) => Some("+"),
                (Tri::No, Tri::Unknown) => Some("+?"),
                (Tri::Yes, Tri::No) => Some("-"),
                (Tri::Unknown, Tri::No) => Some("-?"),
                (Tri::Yes, Tri::Unknown) => Some("-?"),
                _ => None,
            };
            if let Some(sign) = line {
                text.push_str(&format!("{platform}{sign}\t{name}\n"));
            }
        }
    }
    Ok((version, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn macros() -> Macros {
        Macros {
            linux_have: ["HAVE_READLINK".to_owned()].into(),
        }
    }

    #[test]
    fn conditions_tell_platforms_apart() {
        let m = macros();
        use Tri::*;
        assert_eq!(evaluate("defined(MS_WINDOWS)", &m), [No, Yes, No]);
        assert_eq!(evaluate("!defined(MS_WINDOWS)", &m), [Yes, No, Yes]);
        assert_eq!(
            evaluate("defined(MS_WINDOWS) || defined(__APPLE__)", &m),
            [No, Yes, Yes]
        );
        assert_eq!(evaluate("defined(Py_LIMITED_API)", &m), YES);
        assert_eq!(
            evaluate(
                "defined(WIN32) && !defined(MS_WIN64) && _MSC_VER >= 1300",
                &m
            ),
            [No, Unknown, No]
        );
        assert_eq!(
            evaluate("defined HAVE_READLINK", &m),
            [Yes, Unknown, Unknown]
        );
        assert_eq!(evaluate("defined(HAVE_FORK)", &m), [Yes, No, Yes]);
    }

    #[test]
    fn names_of_declarations() {
        assert_eq!(
            declared_name(" _Py_NO_RETURN _Py_FatalErrorFunc(const char *f);", true),
            Some("_Py_FatalErrorFunc".into())
        );
        assert_eq!(
            declared_name(" PyExc_WindowsError;", false),
            Some("PyExc_WindowsError".into())
        );
        assert_eq!(
            declared_name(" (*PyOS_InputHook)(void);", false),
            Some("PyOS_InputHook".into())
        );
    }
}
