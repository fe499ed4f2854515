//! Lines of `/proc/PID/maps`: which file, at which offset, backs an address.

/// One mapping: `start-end perms offset dev inode [path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub start: u64,
    pub end: u64,
    /// Where in the file the mapping starts.
    pub offset: u64,
    /// The mapped file; `None` for anonymous memory, and for pseudo-files
    /// such as `[stack]` or `[vdso]`, which have no ELF file to read.
    pub path: Option<String>,
}

impl Mapping {
    pub fn parse(line: &str) -> Option<Mapping> {
        // The path is the rest of the line after five fields and may
        // itself contain spaces.
        let mut fields = line.splitn(6, ' ');
        let (start, end) = fields.next()?.split_once('-')?;
        let perms = fields.next()?;
        let offset = fields.next()?;
        let _device = fields.next()?;
        let _inode = fields.next()?;
        let path = fields.next().map(str::trim_start).unwrap_or("");
        let start = u64::from_str_radix(start, 16).ok()?;
        let end = u64::from_str_radix(end, 16).ok()?;
        // Return addresses lie in code: a mapping that cannot execute
        // holds no frame, and its file (the child names it) is not worth
        // opening.
        if end <= start || !perms.contains('x') {
            return None;
        }
        Some(Mapping {
            start,
            end,
            offset: u64::from_str_radix(offset, 16).ok()?,
            path: path
                .starts_with('/')
                .then(|| path.strip_suffix(" (deleted)").unwrap_or(path).to_string()),
        })
    }

    /// The offset in the mapped file of the byte at `address`; `None` past
    /// the range of offsets (only a garbled map line gets there).
    pub fn file_offset(&self, address: u64) -> Option<u64> {
        address.checked_sub(self.start)?.checked_add(self.offset)
    }
}

/// The mapping holding `address`.
pub fn find(maps: &[Mapping], address: u64) -> Option<&Mapping> {
    maps.iter().find(|m| m.start <= address && address < m.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_as_the_kernel_writes_them() {
        let m = Mapping::parse(
            "7f1c2a400000-7f1c2a428000 r-xp 00028000 fe:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6",
        )
        .expect("a mapping");
        assert_eq!(
            (m.start, m.end, m.offset),
            (0x7f1c2a400000, 0x7f1c2a428000, 0x28000)
        );
        assert_eq!(
            m.path.as_deref(),
            Some("/usr/lib/x86_64-linux-gnu/libc.so.6")
        );
        assert_eq!(m.file_offset(0x7f1c2a400010), Some(0x28010));
        assert_eq!(m.file_offset(0x1000), None);

        let spaced =
            Mapping::parse("1000-2000 r-xp 00000000 08:01 7      /tmp/a dir/m.so (deleted)");
        assert_eq!(spaced.unwrap().path.as_deref(), Some("/tmp/a dir/m.so"));
        let vdso = Mapping::parse(
            "7ffc0000-7ffc1000 r-xp 00000000 00:00 0                          [vdso]",
        );
        assert_eq!(vdso.unwrap().path, None);
        let anonymous = Mapping::parse("7ffc0000-7ffc1000 r-xp 00000000 00:00 0 ");
        assert_eq!(anonymous.unwrap().path, None);
        // Data holds no frames, and files the child names are not opened
        // for nothing (/proc/self/pagemap, a huge data file).
        for data in [
            "7ffc0000-7ffc1000 rw-p 00000000 00:00 0                          [stack]",
            "1000-2000 r--p 00000000 08:01 7 /proc/self/pagemap",
        ] {
            assert_eq!(Mapping::parse(data), None, "{data}");
        }
        assert_eq!(Mapping::parse("2000-1000 r-xp 0 0 0 /x"), None);
        assert_eq!(Mapping::parse("zz-1000 r-xp 0 0 0 /x"), None);
        assert_eq!(Mapping::parse("1000-2000 r-xp"), None);
    }

    #[test]
    fn find_takes_the_mapping_holding_the_address() {
        let maps: Vec<Mapping> = [
            "1000-2000 r--p 00000000 0:0 1 /a",
            "2000-3000 r-xp 00001000 0:0 1 /a",
        ]
        .iter()
        .filter_map(|l| Mapping::parse(l))
        .collect();
        assert_eq!(find(&maps, 0x2000).map(|m| m.offset), Some(0x1000));
        assert_eq!(find(&maps, 0xfff), None);
        assert_eq!(find(&maps, 0x3000), None);
    }
}
