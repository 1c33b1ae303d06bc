//! Terms to weighted sparse vectors: a vocabulary learned from the training texts (terms seen in
//! at least `min_df` of them, the most frequent first up to a cap, so a model of 100,000
//! incidents stays a few megabytes) and TF-IDF weights with sublinear term frequency.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::terms::Analyzer;

/// A sparse vector, indices ascending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl Sparse {
    pub fn dot(&self, dense: &[f32]) -> f32 {
        self.idx
            .iter()
            .zip(&self.val)
            .map(|(i, v)| dense.get(*i as usize).copied().unwrap_or(0.0) * v)
            .sum()
    }

    pub fn norm2(&self) -> f32 {
        self.val.iter().map(|v| v * v).sum()
    }

    /// Appends `other` scaled, its indices shifted by `offset` (which must lie past ours).
    pub fn extend(&mut self, other: &Sparse, offset: u32, scale: f32) {
        self.idx.extend(other.idx.iter().map(|i| i + offset));
        self.val.extend(other.val.iter().map(|v| v * scale));
    }
}

/// How the counts of a vocabulary become weights.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weighting {
    /// `1 + ln(count)` instead of the count.
    pub sublinear: bool,
    /// Multiply by the smoothed inverse document frequency.
    pub idf: bool,
    /// Scale to unit length.
    pub normalise: bool,
}

/// Term keys are hashes already: hashing them again (as the standard map's SipHash does) would
/// spend most of a classification on the lookups.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One block of features: an analyzer, its vocabulary and weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vocabulary {
    pub analyzer: Analyzer,
    pub weighting: Weighting,
    /// Term hash → feature index, kept as pairs sorted by hash so that the stored model is the
    /// same bytes for the same training.
    terms: Vec<(u64, u32)>,
    idf: Vec<f32>,
    #[serde(skip)]
    index: HashMap<u64, u32, BuildHasherDefault<Identity>>,
}

impl Vocabulary {
    /// Learns the vocabulary of `texts`; each text's terms are counted once for its document
    /// frequency.
    pub fn fit<'a>(
        analyzer: Analyzer,
        weighting: Weighting,
        texts: impl Iterator<Item = &'a str>,
        min_df: u32,
        max_terms: usize,
    ) -> Vocabulary {
        let mut df: HashMap<u64, u32, BuildHasherDefault<Identity>> = HashMap::default();
        let mut docs = 0u32;
        let mut buf = Vec::new();
        for text in texts {
            docs += 1;
            buf.clear();
            analyzer.terms(text, &mut buf);
            buf.sort_unstable();
            buf.dedup();
            for t in &buf {
                *df.entry(*t).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = df.into_iter().filter(|(_, n)| *n >= min_df).collect();
        // Most frequent first; equal counts by hash, so the choice does not depend on map order.
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        kept.truncate(max_terms);
        kept.sort_unstable_by_key(|(h, _)| *h);
        let n = f64::from(docs);
        let idf = kept
            .iter()
            .map(|(_, d)| ((1.0 + n) / (1.0 + f64::from(*d))).ln() as f32 + 1.0)
            .collect();
        let terms: Vec<(u64, u32)> = kept
            .iter()
            .enumerate()
            .map(|(i, (h, _))| (*h, i as u32))
            .collect();
        let mut v = Vocabulary {
            analyzer,
            weighting,
            terms,
            idf,
            index: HashMap::default(),
        };
        v.rebuild_index();
        v
    }

    /// Rebuilds the lookup after deserialising.
    pub fn rebuild_index(&mut self) {
        self.index = self.terms.iter().copied().collect();
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// The raw counts of the known terms of `text`.
    pub fn counts(&self, text: &str) -> Sparse {
        let mut buf = Vec::new();
        self.analyzer.terms(text, &mut buf);
        let mut ids: Vec<u32> = buf
            .iter()
            .filter_map(|t| self.index.get(t).copied())
            .collect();
        ids.sort_unstable();
        let mut out = Sparse::default();
        for id in ids {
            if out.idx.last() == Some(&id) {
                if let Some(v) = out.val.last_mut() {
                    *v += 1.0;
                }
            } else {
                out.idx.push(id);
                out.val.push(1.0);
            }
        }
        out
    }

    /// The weighted vector of `text`.
    pub fn vector(&self, text: &str) -> Sparse {
        let mut v = self.counts(text);
        let w = self.weighting;
        for (i, x) in v.idx.iter().zip(v.val.iter_mut()) {
            if w.sublinear {
                *x = 1.0 + x.ln();
            }
            if w.idf {
                *x *= self.idf.get(*i as usize).copied().unwrap_or(1.0);
            }
        }
        if w.normalise {
            let n = v.norm2().sqrt();
            if n > 0.0 {
                v.val.iter_mut().for_each(|x| *x /= n);
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TFIDF: Weighting = Weighting {
        sublinear: true,
        idf: true,
        normalise: true,
    };

    #[test]
    fn rare_terms_are_dropped_and_vectors_have_unit_length() {
        let texts = ["路灯坏了", "路灯不亮", "井盖缺失"];
        let a = Analyzer::Chars { min: 1, max: 1 };
        let v = Vocabulary::fit(a, TFIDF, texts.iter().copied(), 2, 100);
        assert_eq!(v.len(), 2, "only 路 and 灯 are in two texts");
        let x = v.vector("路灯路灯");
        assert_eq!(x.idx.len(), 2);
        assert!((x.norm2() - 1.0).abs() < 1e-5);
        assert!(v.vector("井盖").idx.is_empty());
    }

    #[test]
    fn the_cap_keeps_the_most_frequent_terms() {
        let texts = ["甲乙", "甲乙", "甲丙"];
        let a = Analyzer::Chars { min: 1, max: 1 };
        let v = Vocabulary::fit(a, TFIDF, texts.iter().copied(), 1, 1);
        assert_eq!(v.len(), 1);
        assert_eq!(v.counts("甲乙丙").idx.len(), 1);
        assert_eq!(v.counts("乙丙").idx.len(), 0);
    }
}
