//! Multinomial naive Bayes over term counts (Laplace smoothing): the classic first baseline of
//! text classification, and one voice of the ensemble.

use serde::{Deserialize, Serialize};

use super::vector::Sparse;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bayes {
    pub features: usize,
    pub classes: usize,
    /// Log prior of each class.
    prior: Vec<f32>,
    /// Log probability of each term in each class, class-major.
    log_p: Vec<f32>,
}

impl Bayes {
    /// Learns from count vectors.
    pub fn fit(xs: &[Sparse], ys: &[usize], features: usize, classes: usize, alpha: f32) -> Bayes {
        let mut counts = vec![0.0f64; features * classes];
        let mut docs = vec![0.0f64; classes];
        for (x, y) in xs.iter().zip(ys) {
            docs[*y] += 1.0;
            for (j, v) in x.idx.iter().zip(&x.val) {
                counts[y * features + *j as usize] += f64::from(*v);
            }
        }
        let total_docs: f64 = docs.iter().sum();
        let prior = docs
            .iter()
            .map(|d| ((d + 1.0) / (total_docs + classes as f64)).ln() as f32)
            .collect();
        let mut log_p = vec![0.0f32; features * classes];
        let a = f64::from(alpha);
        for c in 0..classes {
            let row = &counts[c * features..(c + 1) * features];
            let total: f64 = row.iter().sum::<f64>() + a * features as f64;
            for (j, n) in row.iter().enumerate() {
                log_p[c * features + j] = ((n + a) / total).ln() as f32;
            }
        }
        Bayes {
            features,
            classes,
            prior,
            log_p,
        }
    }

    /// The log joint probability of `x` (counts) with each class.
    pub fn scores(&self, x: &Sparse) -> Vec<f32> {
        (0..self.classes)
            .map(|c| {
                let row = &self.log_p[c * self.features..(c + 1) * self.features];
                self.prior[c] + x.dot(row)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_whose_terms_the_text_uses_wins() {
        let x = |i: u32| Sparse {
            idx: vec![i],
            val: vec![2.0],
        };
        let m = Bayes::fit(&[x(0), x(0), x(1)], &[0, 0, 1], 2, 2, 1.0);
        let s = m.scores(&x(1));
        assert!(s[1] > s[0], "{s:?}");
        let s = m.scores(&x(0));
        assert!(s[0] > s[1], "{s:?}");
        let empty = m.scores(&Sparse::default());
        assert!(
            empty[0] > empty[1],
            "the prior decides an empty text: {empty:?}"
        );
    }
}
