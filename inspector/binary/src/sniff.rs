//! Telling the three formats apart, and naming what a file is when it is
//! none of them, so the error says "zip archive" rather than "bad magic".

use crate::error::BinaryError;
use crate::model::Format;

/// What the first bytes say the file is.
pub(crate) enum Kind {
    Elf,
    MachO,
    MachOFat,
    Pe,
}

pub(crate) fn kind(data: &[u8]) -> Result<Kind, BinaryError> {
    kind_reading(data, &|offset| data.get(offset..))
}

/// [`kind`] from the first bytes of a file (`head`), and `at`, which gives
/// the bytes from an offset on (at least 8 of them, when the file has them)
/// for the one case the first bytes do not settle.
pub(crate) fn kind_reading<'a>(
    data: &[u8],
    at: &dyn Fn(usize) -> Option<&'a [u8]>,
) -> Result<Kind, BinaryError> {
    let kind = match data {
        [0x7f, b'E', b'L', b'F', ..] => Kind::Elf,
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => Kind::MachO,
        [0xca, 0xfe, 0xba, 0xbf, ..] => Kind::MachOFat,
        [0xca, 0xfe, 0xba, 0xbe, a, b, c, d, ..]
            if !java_version([*a, *b, *c, *d]) || first_slice_is_macho(data, at) =>
        {
            Kind::MachOFat
        }
        [b'M', b'Z', ..] => Kind::Pe,
        _ => {
            return Err(BinaryError::NotABinary {
                what: describe(data),
            });
        }
    };
    Ok(kind)
}

/// Java class files share the 32-bit fat magic; their next word is the
/// class version, minor (0 to 3, or 0xffff for preview features) then major
/// (45 for Java 1.1, 69 for Java 25), where a fat header has its slice
/// count. A count that is no Java version is left to the fat parser, which
/// reports an absurd one as a limit rather than calling it a class file.
fn java_version([a, b, c, d]: [u8; 4]) -> bool {
    let minor = u16::from_be_bytes([a, b]);
    let major = u16::from_be_bytes([c, d]);
    (45..=255).contains(&major) && (minor <= 3 || minor == 0xffff)
}

/// For a count that could be a Java version: whether the first `fat_arch`
/// names a slice that starts like a Mach-O (or an archive), which a class
/// file's constant pool does not.
fn first_slice_is_macho<'a>(data: &[u8], at: &dyn Fn(usize) -> Option<&'a [u8]>) -> bool {
    let Some(&[a, b, c, d]) = data.get(16..20) else {
        return false;
    };
    let offset = u32::from_be_bytes([a, b, c, d]) as usize;
    // Thin magics only: asking `kind` could come back here.
    at(offset).is_some_and(|slice| {
        matches!(
            slice,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..]
        ) || slice.starts_with(b"!<arch>\n")
    })
}

/// Whether a slice of a fat file is itself a thin Mach-O, or else what it is.
pub(crate) fn check_fat_slice(data: &[u8]) -> Result<(), BinaryError> {
    match kind(data) {
        Ok(Kind::MachO) => Ok(()),
        _ if data.starts_with(b"!<arch>\n") => Err(BinaryError::unsupported(
            Format::Macho,
            "static archive inside a universal file",
        )),
        _ => Err(BinaryError::malformed(
            Format::Macho,
            format!(
                "universal file slice is not a Mach-O image ({})",
                describe(data)
            ),
        )),
    }
}

/// A short description of bytes that are not an ELF, Mach-O or PE file.
pub(crate) fn describe(data: &[u8]) -> String {
    const NAMED: &[(&[u8], &str)] = &[
        (b"!<arch>\n", "static archive (!<arch>)"),
        (b"!<thin>\n", "thin static archive (!<thin>)"),
        (b"PK\x03\x04", "zip archive"),
        (b"PK\x05\x06", "empty zip archive"),
        (b"\x1f\x8b", "gzip data"),
        (b"\xfd7zXZ\x00", "xz data"),
        (b"(\xb5/\xfd", "zstd data"),
        (b"BZh", "bzip2 data"),
        (b"\xca\xfe\xba\xbe", "Java class file"),
        (b"\x00asm", "WebAssembly module"),
        (b"dyld_v1 ", "dyld shared cache"),
        (b"\x00\x00\xff\xff", "COFF import library member"),
        (b"#!", "script (#!)"),
    ];
    if data.is_empty() {
        return "empty file".into();
    }
    if let Some((_, name)) = NAMED.iter().find(|(magic, _)| data.starts_with(magic)) {
        return (*name).into();
    }
    if let Some(machine) = coff_object_machine(data) {
        return format!("COFF object file ({machine}), not a linked image");
    }
    if looks_like_text(data) {
        return "text file".into();
    }
    let head: Vec<String> = data.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let more = if data.len() > 8 { " ..." } else { "" };
    format!("unrecognised data (starts with {}{more})", head.join(" "))
}

/// A COFF object starts with its machine; the section count and optional
/// header size that follow are checked too, since two bytes alone are weak.
fn coff_object_machine(data: &[u8]) -> Option<&'static str> {
    let [
        m0,
        m1,
        n0,
        n1,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        _,
        o0,
        o1,
        ..,
    ] = *data
    else {
        return None;
    };
    let machine = match u16::from_le_bytes([m0, m1]) {
        0x8664 => "x86-64",
        0x014c => "i386",
        0xaa64 => "ARM64",
        0xa641 => "ARM64EC",
        0x01c4 => "ARM",
        _ => return None,
    };
    let sections = u16::from_le_bytes([n0, n1]);
    let optional_header = u16::from_le_bytes([o0, o1]);
    (sections > 0 && sections < 1000 && optional_header == 0).then_some(machine)
}

fn looks_like_text(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The cut may fall inside a multi-byte character.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\x0c'))
}
