//! "Did you mean" suggestions for misspelt rule names, levels, keys and kinds: plain text
//! helpers every layer may use.

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// What a user most likely meant by `word` (a misspelt rule, level or key): the closest
/// candidate, compared without regard to case, or else the only candidate that `word` begins
/// (`warn` for `warning`).
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    if let Some(c) = closest(&word, candidates) {
        return Some(c);
    }
    if word.chars().count() < 3 {
        return None;
    }
    let mut starting = candidates
        .iter()
        .filter(|c| c.to_lowercase().starts_with(&word));
    match (starting.next(), starting.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggestions() {
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            super::closest("hpa-min-replica", &["hpa-min-replicas", "hpa-max-replicas"]),
            Some("hpa-min-replicas")
        );
        assert_eq!(super::closest("zzz", &["hpa-min-replicas"]), None);
        let levels = ["error", "warning", "info"];
        assert_eq!(super::suggest("warn", &levels), Some("warning"));
        assert_eq!(super::suggest("ERROR", &levels), Some("error"));
        assert_eq!(super::suggest("zz", &levels), None);
        assert_eq!(super::suggest("never", &levels), None);
    }
}
