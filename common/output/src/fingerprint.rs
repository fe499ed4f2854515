//! A stable hash of a diagnostic's fingerprint, for SARIF's
//! `primaryLocationLineHash`.
//!
//! GitHub's upload action fills in `primaryLocationLineHash` by hashing the
//! text around the result's line when a result has none; for a binary file
//! that is noise which changes with every build. Giving it a hash of the
//! tool's own fingerprint keeps an alert the same alert across runs exactly
//! when the baseline would. The hash is FNV-1a, 64 bits
//! (<http://www.isthe.com/chongo/tech/comp/fnv/>), written out here so that
//! it cannot change under a dependency update.

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of the UTF-8 bytes of `text`.
pub(crate) fn fnv1a_64(text: &str) -> u64 {
    text.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// The hash as 16 lower-case hexadecimal digits.
pub(crate) fn line_hash(fingerprint: &str) -> String {
    format!("{:016x}", fnv1a_64(fingerprint))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from the FNV authors' test suite (`test_fnv.c`,
    /// FNV-1a 64-bit column).
    #[test]
    fn matches_reference_vectors() {
        assert_eq!(fnv1a_64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn line_hash_is_fixed_width_hex() {
        assert_eq!(line_hash(""), "cbf29ce484222325");
        assert_eq!(line_hash("a"), "af63dc4c8601ec8c");
    }
}
