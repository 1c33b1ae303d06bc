//! Lining up table columns in a terminal when the text mixes Chinese and Latin letters.

/// Pads to `width` terminal columns (CJK characters take two) and adds one space of separation.
pub fn pad_wide(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    format!("{s}{} ", " ".repeat(width.saturating_sub(cols)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(pad_wide("网格员", 8), "网格员   ");
        assert_eq!(pad_wide("ab", 4), "ab   ");
        assert_eq!(pad_wide("toolong", 2), "toolong ");
    }
}
