//! Text to terms: character n-grams and jieba words, each term a stable 64-bit hash (FNV-1a over
//! a kind tag and the term's characters), so that a model trained on one machine reads the same
//! terms on another and no term string is allocated on the hot path.

use serde::{Deserialize, Serialize};

use crate::incidents::words::{JIEBA, is_content};

/// How a text is cut into terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Analyzer {
    /// Character n-grams of lengths `min..=max` over the normalised text.
    Chars { min: u8, max: u8 },
    /// jieba's content words (stop words, numbers and punctuation dropped), and with `pairs`
    /// also each two neighbouring content words.
    Words { pairs: bool },
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn fnv_char(h: u64, c: char) -> u64 {
    let mut buf = [0u8; 4];
    fnv(h, c.encode_utf8(&mut buf).as_bytes())
}

/// The text as the n-grams see it: Latin letters lower-cased, full-width forms made half-width,
/// every digit one digit (house numbers say nothing about the kind of matter) and runs of
/// whitespace one space.
pub fn normalise(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 2);
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        let c = if c.is_ascii_digit() {
            '0'
        } else if c.is_whitespace() || c.is_control() {
            ' '
        } else {
            c.to_ascii_lowercase()
        };
        if c == ' ' && out.last().is_none_or(|l| *l == ' ') {
            continue;
        }
        out.push(c);
    }
    out
}

impl Analyzer {
    fn tag(self) -> u64 {
        match self {
            Analyzer::Chars { .. } => fnv(FNV_OFFSET, b"c"),
            Analyzer::Words { .. } => fnv(FNV_OFFSET, b"w"),
        }
    }

    /// Appends the terms of `text` to `out` (one entry per occurrence).
    pub fn terms(self, text: &str, out: &mut Vec<u64>) {
        let tag = self.tag();
        match self {
            Analyzer::Chars { min, max } => {
                let chars = normalise(text);
                let (min, max) = (usize::from(min.max(1)), usize::from(max.max(min)));
                for start in 0..chars.len() {
                    let mut h = tag;
                    for (len, c) in chars[start..].iter().take(max).enumerate() {
                        h = fnv_char(h, *c);
                        if len + 1 >= min {
                            out.push(h);
                        }
                    }
                }
            }
            Analyzer::Words { pairs } => {
                let mut last: Option<u64> = None;
                for token in JIEBA.cut(text, true) {
                    let word = token.word.trim();
                    if !is_content(word) {
                        continue;
                    }
                    let mut h = tag;
                    for c in word.chars() {
                        h = fnv_char(h, c.to_ascii_lowercase());
                    }
                    out.push(h);
                    if pairs {
                        if let Some(prev) = last {
                            out.push(prev.rotate_left(17) ^ h.wrapping_mul(FNV_PRIME));
                        }
                        last = Some(h);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(a: Analyzer, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        a.terms(text, &mut out);
        out
    }

    #[test]
    fn char_grams_count_every_length() {
        let a = Analyzer::Chars { min: 1, max: 3 };
        // 4 unigrams + 3 bigrams + 2 trigrams
        assert_eq!(terms(a, "井盖缺失").len(), 9);
        assert_eq!(terms(a, "").len(), 0);
        assert_eq!(terms(Analyzer::Chars { min: 2, max: 2 }, "井").len(), 0);
    }

    #[test]
    fn the_same_term_hashes_alike_and_kinds_do_not_collide() {
        let c = terms(Analyzer::Chars { min: 2, max: 2 }, "井盖井盖");
        assert_eq!(c[0], c[2]);
        assert_ne!(c[0], c[1]);
        let w = terms(Analyzer::Words { pairs: false }, "井盖");
        assert_eq!(w.len(), 1);
        assert_ne!(w[0], c[0], "the word 井盖 is not the bigram 井盖");
    }

    #[test]
    fn digits_width_and_case_are_normalised() {
        assert_eq!(
            normalise("ＡＢ 12号  楼"),
            "ab 00号 楼".chars().collect::<Vec<_>>()
        );
    }

    #[test]
    fn word_pairs_add_one_term_between_neighbours() {
        let single = terms(Analyzer::Words { pairs: false }, "井盖缺失 路灯损坏");
        let paired = terms(Analyzer::Words { pairs: true }, "井盖缺失 路灯损坏");
        assert!(!single.is_empty());
        assert_eq!(paired.len(), 2 * single.len() - 1);
    }
}
