//! The Mach-O export trie (`LC_DYLD_EXPORTS_TRIE`, or the export part of
//! `LC_DYLD_INFO`), walked here rather than by object.
//!
//! object's walker rejects a child edge back to an ancestor, but follows
//! shared children: a trie whose every node has two edges to the next node
//! spells 2^depth names from a few hundred bytes, and nodes without export
//! data are skipped inside one call, so a caller cannot even count them.
//! This walker visits each node at most once (a node reached a second time,
//! by a cycle or a shared child, ends the walk as malformed), counts every
//! node against the entry budget and every string it scans (edges,
//! re-exported names) against the names budget, since nodes may overlap and
//! share one long string, and refuses a name longer than the trie (in a
//! real trie a name's edges are disjoint parts of it).
//!
//! Node layout: `terminal_size` (ULEB128), that many bytes of export data
//! (flags ULEB128, then an address, a re-export's ordinal and name, or a
//! stub and resolver), a child count (one byte), and per child a
//! NUL-terminated edge string and the child's offset from the trie's start
//! (ULEB128).

use object::macho;

use crate::error::BinaryError;
use crate::limits::Budget;

const WHAT: &str = "export trie";

/// Why a walk ended early.
pub(crate) enum Stop {
    /// A limit was reached: the whole parse stops.
    Limit(BinaryError),
    /// The trie does not hold together; what was read so far stands.
    Malformed,
}

impl From<BinaryError> for Stop {
    fn from(error: BinaryError) -> Self {
        Stop::Limit(error)
    }
}

/// A node on the path from the root: 12 bytes, one per level at most.
struct Frame {
    /// Where the next edge of this node starts.
    at: u32,
    /// The length of the name up to this node.
    name_len: u32,
    children_left: u8,
}

/// Calls `export` with the name of each exported symbol, in trie order.
/// `libraries` is the number of dylib load commands, for re-export ordinals.
pub(crate) fn walk(
    trie: &[u8],
    libraries: usize,
    budget: &mut Budget,
    mut export: impl FnMut(&mut Budget, &[u8]) -> Result<(), BinaryError>,
) -> Result<(), Stop> {
    if trie.is_empty() {
        return Ok(());
    }
    // Offsets within the trie fit the frames' 32 bits.
    if u32::try_from(trie.len()).is_err() {
        return Err(Stop::Malformed);
    }
    let mut visited = vec![0u64; trie.len().div_ceil(64)];
    let mut stack: Vec<Frame> = Vec::new();
    let mut name: Vec<u8> = Vec::new();
    let mut node = Some(0usize);
    loop {
        if let Some(offset) = node.take() {
            budget.entry(WHAT)?;
            let word = visited.get_mut(offset / 64).ok_or(Stop::Malformed)?;
            let bit = 1u64 << (offset % 64);
            if *word & bit != 0 {
                return Err(Stop::Malformed);
            }
            *word |= bit;
            let mut at = offset;
            let terminal_size = uleb(trie, &mut at)?;
            if terminal_size != 0 {
                let end = usize::try_from(terminal_size)
                    .ok()
                    .and_then(|size| at.checked_add(size))
                    .filter(|&end| end <= trie.len())
                    .ok_or(Stop::Malformed)?;
                let reexport_name = terminal(&trie[at..end], libraries)?;
                budget.name_bytes(reexport_name, WHAT)?;
                export(budget, &name)?;
                at = end;
            }
            let children_left = *trie.get(at).ok_or(Stop::Malformed)?;
            // Both below `trie.len()`, which fits in 32 bits.
            stack.push(Frame {
                at: (at + 1) as u32,
                name_len: name.len() as u32,
                children_left,
            });
        }
        let Some(frame) = stack.last_mut() else {
            return Ok(());
        };
        name.truncate(frame.name_len as usize);
        if frame.children_left == 0 {
            stack.pop();
            continue;
        }
        frame.children_left -= 1;
        let mut at = frame.at as usize;
        let rest = trie.get(at..).ok_or(Stop::Malformed)?;
        let edge_len = rest.iter().position(|&b| b == 0).ok_or(Stop::Malformed)?;
        // Overlapping nodes can share one long edge: every scan is counted.
        budget.name_bytes(edge_len, WHAT)?;
        if name.len() + edge_len > trie.len() {
            return Err(Stop::Malformed);
        }
        name.extend_from_slice(&rest[..edge_len]);
        at += edge_len + 1;
        let child = uleb(trie, &mut at)?;
        frame.at = at as u32;
        node = Some(usize::try_from(child).map_err(|_| Stop::Malformed)?);
    }
}

/// Checks a node's export data the way object and dyld read it; returns the
/// length of the re-exported name it scanned, if any.
fn terminal(data: &[u8], libraries: usize) -> Result<usize, Stop> {
    let mut at = 0;
    let flags = macho::ExportSymbolFlags(uleb(data, &mut at)?);
    if flags.has_unknown_bits() {
        return Err(Stop::Malformed);
    }
    if flags.contains(macho::EXPORT_SYMBOL_FLAGS_REEXPORT) {
        let ordinal = uleb(data, &mut at)?;
        if ordinal == 0 || ordinal > libraries as u64 {
            return Err(Stop::Malformed);
        }
        return data[at..]
            .iter()
            .position(|&b| b == 0)
            .ok_or(Stop::Malformed);
    }
    let kind = flags.kind();
    if flags.contains(macho::EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER) {
        if kind != macho::EXPORT_SYMBOL_FLAGS_KIND_REGULAR {
            return Err(Stop::Malformed);
        }
        uleb(data, &mut at)?;
        uleb(data, &mut at)?;
        return Ok(0);
    }
    if !matches!(
        kind,
        macho::EXPORT_SYMBOL_FLAGS_KIND_REGULAR
            | macho::EXPORT_SYMBOL_FLAGS_KIND_THREAD_LOCAL
            | macho::EXPORT_SYMBOL_FLAGS_KIND_ABSOLUTE
    ) {
        return Err(Stop::Malformed);
    }
    uleb(data, &mut at)?;
    Ok(0)
}

/// A ULEB128 of at most 64 bits at `*at`, which moves past it.
fn uleb(data: &[u8], at: &mut usize) -> Result<u64, Stop> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *data.get(*at).ok_or(Stop::Malformed)?;
        *at += 1;
        if shift == 63 && byte > 1 {
            return Err(Stop::Malformed);
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
        if shift > 63 {
            return Err(Stop::Malformed);
        }
    }
}
