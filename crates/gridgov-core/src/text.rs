//! Free text as a reader sees it. A minimum length ("a reason of at least 4 characters", "a
//! name is required") counts what shows on the screen: four zero-width spaces are no reason, and
//! a name of one byte-order mark is no name.

/// Characters that take no room and show nothing: Unicode's format characters (category Cf:
/// zero-width space and joiners, direction marks and embeddings, word joiner, invisible
/// operators, byte-order mark, soft hyphen, tags), variation selectors and the Hangul fillers.
/// Whitespace and control characters are told by `char` itself.
const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// Whether the character shows nothing: whitespace, a control character or one of [`INVISIBLE`].
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || c.is_control() || INVISIBLE.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c))
}

/// How many characters of `s` show: the length to hold against a minimum.
pub fn visible_chars(s: &str) -> usize {
    s.chars().filter(|c| !is_invisible(*c)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_shows_is_counted() {
        assert_eq!(visible_chars("核查比对"), 4);
        assert_eq!(visible_chars("a b\tc"), 3);
        assert_eq!(visible_chars("ＡＢ"), 2);
        assert_eq!(visible_chars("e\u{301}"), 2, "a combining accent is drawn");
        assert_eq!(
            visible_chars("👩\u{200D}💻"),
            2,
            "the joiner between is not"
        );
    }

    #[test]
    fn invisible_characters_count_for_nothing() {
        for nothing in [
            "",
            "\u{200B}\u{200B}\u{200B}\u{200B}",
            "\u{200C}\u{200D}\u{200E}\u{200F}",
            "\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}",
            "\u{FEFF}\u{FEFF}",
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}",
            "\u{2066}\u{2067}\u{2068}\u{2069}",
            "\u{00AD}\u{034F}\u{061C}\u{180E}",
            "\u{3164}\u{115F}\u{1160}\u{FFA0}",
            "\u{FE0F}\u{E0020}\u{E007F}",
            "\u{3000}\u{00A0}\u{2003}\u{2028}",
            "\u{0}\u{7}\u{7F}\u{85}\u{9F}",
            " \t\r\n",
        ] {
            assert_eq!(visible_chars(nothing), 0, "{nothing:?}");
        }
        assert_eq!(visible_chars("\u{200B}查\u{200B}看\u{FEFF}"), 2);
    }
}
