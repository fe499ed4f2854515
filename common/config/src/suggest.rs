/// The known id closest to a misspelt one, when one is close enough that
/// suggesting it helps rather than puzzles.
pub(crate) fn closest<'k>(id: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    // 0.6 accepts a dropped, doubled or swapped letter or two in ids of this
    // length (`privat-api`, `reimport-leek`) and rejects unrelated ids that
    // merely share a `-leak` or `-init` suffix.
    const CLOSE_ENOUGH: f64 = 0.6;
    known
        .into_iter()
        .map(|candidate| {
            (
                strsim::normalized_damerau_levenshtein(id, candidate),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= CLOSE_ENOUGH)
        // Ties go to the alphabetically first, so the message is stable.
        .max_by(|(a, x), (b, y)| a.total_cmp(b).then_with(|| y.cmp(x)))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_a_near_miss_and_nothing_for_a_stranger() {
        let known = ["private-api", "reimport-leak", "single-phase-init"];
        assert_eq!(closest("privat-api", known), Some("private-api"));
        assert_eq!(closest("reimport-leek", known), Some("reimport-leak"));
        assert_eq!(closest("banana", known), None);
    }
}
