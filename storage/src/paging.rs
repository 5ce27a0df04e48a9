//! Keyset paging: lists read `limit + 1` rows after a cursor, so they know whether another
//! page follows without counting.

/// Splits rows read with `limit + 1` into the page (at most `limit` rows) and the next page's
/// cursor: the last kept row's key, or `None` when nothing follows.
pub fn split<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let limit = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(key) } else { None };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_page_knows_whether_another_follows() {
        assert_eq!(split(vec![1, 2, 3], 2, |x| *x), (vec![1, 2], Some(2)));
        assert_eq!(split(vec![1, 2], 2, |x| *x), (vec![1, 2], None));
        assert_eq!(split(Vec::<i64>::new(), 2, |x| *x), (vec![], None));
        assert_eq!(split(vec![5, 6], 0, |x| *x), (vec![], None));
    }
}
