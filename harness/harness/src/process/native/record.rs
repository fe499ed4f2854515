//! Reading what the crash-trace handler wrote on fd 5. The handler writes
//! from a dying process, so the text may stop anywhere, and a module that
//! scribbles on fd 5 could put anything there: every line is checked on its
//! own and whatever does not parse is skipped.
//!
//! The format, as `native/crashtrace.c` documents it:
//!
//! ```text
//! extharness-crashtrace 1
//! signal 11
//! pc 0x7f3a12345678            (only for a fault the CPU raised)
//! maps
//! <the lines of /proc/self/maps>
//! maps-end
//! frame 0x7f3a12345678         (innermost first)
//! end
//! ```

use std::collections::HashSet;

use super::maps::Mapping;

const HEADER: &str = "extharness-crashtrace 1";
/// The handler writes at most 64 frames; more is not its output.
pub const MAX_FRAMES: usize = 64;
/// A process maps a few hundred files; past this, the map is not worth reading.
const MAX_MAPPINGS: usize = 8192;

/// One crash as the handler recorded it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub signal: Option<i32>,
    /// The faulting instruction, when the CPU raised the signal.
    pub pc: Option<u64>,
    /// Raw return addresses, innermost first.
    pub frames: Vec<u64>,
    pub maps: Vec<Mapping>,
    /// The handler got to the end of the record.
    pub complete: bool,
}

/// Parses the handler's output; `None` when it is not a record at all.
pub fn parse(raw: &[u8]) -> Option<Record> {
    let text = String::from_utf8_lossy(raw);
    // A line is only trusted once its newline arrived: a record cut short
    // mid-line would otherwise yield a truncated address or path.
    let complete_lines = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => return None,
    };
    let mut lines = complete_lines.split('\n');
    if lines.next()? != HEADER {
        return None;
    }
    let mut record = Record::default();
    let mut in_maps = false;
    // Duplicated map lines say nothing new and would only cost lookups.
    let mut seen = HashSet::new();
    for line in lines {
        // The first record only: a process the child forked inherits the
        // handler and the pipe, and its record must not be mixed into the
        // child's, even when the first was cut short.
        if line == HEADER {
            break;
        }
        if in_maps {
            if line == "maps-end" {
                in_maps = false;
            } else if record.maps.len() < MAX_MAPPINGS
                && let Some(mapping) = Mapping::parse(line)
                && seen.insert(line)
            {
                record.maps.push(mapping);
            }
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "signal" => record.signal = record.signal.or(value.parse().ok()),
            "pc" => record.pc = record.pc.or(hex(value)),
            "frame" if record.frames.len() < MAX_FRAMES => {
                if let Some(address) = hex(value) {
                    record.frames.push(address);
                }
            }
            "maps" => in_maps = true,
            "end" => {
                record.complete = true;
                break;
            }
            _ => {}
        }
    }
    record.signal.is_some().then_some(record)
}

fn hex(text: &str) -> Option<u64> {
    u64::from_str_radix(text.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "extharness-crashtrace 1\n\
        signal 11\n\
        pc 0x7f0000001234\n\
        maps\n\
        7f0000000000-7f0000002000 r-xp 00001000 08:01 42 /lib/libm.so\n\
        7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n\
        maps-end\n\
        frame 0x7f0000001234\n\
        frame 0x7f0000001300\n\
        end\n";

    #[test]
    fn a_complete_record() {
        let record = parse(FULL.as_bytes()).expect("a record");
        assert_eq!(record.signal, Some(11));
        assert_eq!(record.pc, Some(0x7f0000001234));
        assert_eq!(record.frames, [0x7f0000001234, 0x7f0000001300]);
        // The stack mapping cannot execute: no frame lies there.
        assert_eq!(record.maps.len(), 1);
        assert_eq!(record.maps[0].path.as_deref(), Some("/lib/libm.so"));
        assert!(record.complete);
    }

    #[test]
    fn a_second_record_from_a_forked_process_is_not_mixed_in() {
        let second = FULL
            .replace("signal 11", "signal 6")
            .replace("0x7f0000001300", "0x7f00000019ff");
        let cut_in_maps = &FULL[..FULL.find("maps-end").unwrap()];
        for both in [
            format!("{FULL}{second}"),
            format!("{}{second}", FULL.strip_suffix("end\n").unwrap()),
            format!("{cut_in_maps}{second}"),
        ] {
            let record = parse(both.as_bytes()).expect("a record");
            assert_eq!(record.signal, Some(11));
            assert!(!record.frames.contains(&0x7f00000019ff), "{both}");
        }
    }

    #[test]
    fn every_truncation_parses_without_inventing_anything() {
        for cut in 0..FULL.len() {
            let Some(record) = parse(&FULL.as_bytes()[..cut]) else {
                continue;
            };
            assert_eq!(record.signal, Some(11), "cut at {cut}");
            assert!(
                record
                    .frames
                    .iter()
                    .all(|f| [0x7f0000001234, 0x7f0000001300].contains(f))
            );
            assert!(
                record
                    .maps
                    .iter()
                    .all(|m| m.start == 0x7f0000000000 || m.start == 0x7ffc00000000)
            );
            assert!(
                record
                    .maps
                    .iter()
                    .all(|m| m.path.as_deref() != Some("/lib/li"))
            );
            assert_eq!(record.complete, cut == FULL.len());
        }
        // Cut inside the second frame's address: only the first frame counts.
        let cut = FULL.find("frame 0x7f0000001300").unwrap() + 12;
        let record = parse(&FULL.as_bytes()[..cut]).expect("a record");
        assert_eq!(record.frames, [0x7f0000001234]);
    }

    #[test]
    fn garbage_is_not_a_record_and_garbage_lines_are_skipped() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"\xff\xfe\x00garbage\n"), None);
        assert_eq!(parse(b"extharness-crashtrace 2\nsignal 11\n"), None);
        assert_eq!(parse(b"extharness-crashtrace 1\nframe 0x10\nend\n"), None);
        let noisy = "extharness-crashtrace 1\nsignal x\nsignal 6\nframe 0xzz\nframe\n\
                     frame 0x10\n\u{0}\u{1}binary\npc 12\nmaps\nnot a mapping\nmaps-end\nend\n";
        let record = parse(noisy.as_bytes()).expect("a record");
        assert_eq!(record.signal, Some(6));
        assert_eq!(record.frames, [0x10]);
        assert_eq!(record.pc, None);
        assert!(record.maps.is_empty());
    }

    #[test]
    fn frames_and_mappings_are_capped() {
        let mut text = String::from("extharness-crashtrace 1\nsignal 11\n");
        for i in 0..1000 {
            text.push_str(&format!("frame {i:#x}\n"));
        }
        let record = parse(text.as_bytes()).expect("a record");
        assert_eq!(record.frames.len(), MAX_FRAMES);
    }
}
