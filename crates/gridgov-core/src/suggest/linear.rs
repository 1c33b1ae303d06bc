//! One-vs-rest linear classifiers on sparse vectors. The support vector machine is trained by
//! dual coordinate descent (Hsieh et al., ICML 2008, the solver of LIBLINEAR) with the squared
//! hinge loss; the bias is learned as the weight of a constant feature.

use serde::{Deserialize, Serialize};

use super::rng::SplitMix;
use super::vector::Sparse;

/// The weights, feature-major: the `classes` weights of feature 0, then of feature 1, … and
/// last the biases. Classifying reads every class's weight of a term together, in one cache
/// line, instead of one scattered read per class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Linear {
    pub features: usize,
    pub classes: usize,
    pub w: Vec<f32>,
}

/// How a linear support vector machine is trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SvmParams {
    /// The cost of a margin violation; higher fits the training set more closely.
    pub c: f32,
    /// Passes over the data at most.
    pub epochs: usize,
    /// Stop when the projected gradient's spread falls below this (LIBLINEAR's default 0.1).
    pub tolerance: f32,
    pub seed: u64,
}

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams {
            c: 1.0,
            epochs: 20,
            tolerance: 0.1,
            seed: 7,
        }
    }
}

/// The constant feature's value; as LIBLINEAR's `-B 1`.
const BIAS: f32 = 1.0;

/// One class against the rest: LIBLINEAR's dual coordinate descent for the squared hinge loss,
/// with its shrinking (an example whose multiplier is zero and whose gradient says it stays
/// zero is left out of later passes, and all are checked again before stopping). The row has
/// `features + 1` weights, the bias last.
fn one_class(
    xs: &[Sparse],
    ys: &[usize],
    qii: &[f32],
    class: usize,
    features: usize,
    p: SvmParams,
) -> Vec<f32> {
    let n = xs.len();
    let mut row = vec![0.0f32; features + 1];
    let mut rng = SplitMix::new(p.seed ^ (class as u64).wrapping_mul(0x9E37_79B9));
    let mut alpha = vec![0.0f32; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut active_len = n;
    // Squared hinge: the dual's diagonal gains 1/(2C) and alpha has no upper bound.
    let d = 0.5 / p.c.max(f32::MIN_POSITIVE);
    let mut pg_max_old = f32::INFINITY;
    for _ in 0..p.epochs {
        rng.shuffle(&mut active[..active_len]);
        let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
        let mut s = 0;
        while s < active_len {
            let i = active[s];
            let x = &xs[i];
            let y = if ys[i] == class { 1.0 } else { -1.0 };
            let g = y * (x.dot(&row) + row[features] * BIAS) - 1.0 + d * alpha[i];
            let pg = if alpha[i] == 0.0 {
                if g > pg_max_old {
                    active_len -= 1;
                    active.swap(s, active_len);
                    continue;
                }
                g.min(0.0)
            } else {
                g
            };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / (qii[i] + d)).max(0.0);
                let step = (alpha[i] - old) * y;
                for (j, v) in x.idx.iter().zip(&x.val) {
                    row[*j as usize] += step * v;
                }
                row[features] += step * BIAS;
            }
            s += 1;
        }
        if pg_max - pg_min <= p.tolerance {
            if active_len == n {
                break;
            }
            active_len = n;
            pg_max_old = f32::INFINITY;
            continue;
        }
        pg_max_old = if pg_max <= 0.0 { f32::INFINITY } else { pg_max };
    }
    row
}

impl Linear {
    /// Trains one machine per class, that class against the rest.
    pub fn svm(
        xs: &[Sparse],
        ys: &[usize],
        features: usize,
        classes: usize,
        p: SvmParams,
    ) -> Linear {
        let stride = features + 1;
        let qii: Vec<f32> = xs.iter().map(|x| x.norm2() + BIAS * BIAS).collect();
        // The classes' machines are independent: each thread trains every n-th class.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, classes.max(1));
        let mut rows: Vec<(usize, Vec<f32>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let qii = &qii;
                    s.spawn(move || {
                        (t..classes)
                            .step_by(threads)
                            .map(|c| (c, one_class(xs, ys, qii, c, features, p)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        rows.sort_by_key(|(c, _)| *c);
        let w: Vec<f32> = rows.into_iter().flat_map(|(_, row)| row).collect();
        // Trained class by class (each machine's row is contiguous while it learns); stored
        // feature by feature.
        let mut t = vec![0.0f32; stride * classes];
        for c in 0..classes {
            for j in 0..stride {
                t[j * classes + c] = w[c * stride + j];
            }
        }
        Linear {
            features,
            classes,
            w: t,
        }
    }

    /// The score of `x` for every class.
    pub fn scores(&self, x: &Sparse) -> Vec<f32> {
        let k = self.classes;
        let bias = self.features * k;
        let mut s: Vec<f32> = (0..k)
            .map(|c| self.w.get(bias + c).copied().unwrap_or(0.0) * BIAS)
            .collect();
        for (j, v) in x.idx.iter().zip(&x.val) {
            let at = *j as usize * k;
            if let Some(ws) = self.w.get(at..at + k) {
                for (si, wi) in s.iter_mut().zip(ws) {
                    *si += wi * v;
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x(pairs: &[(u32, f32)]) -> Sparse {
        Sparse {
            idx: pairs.iter().map(|p| p.0).collect(),
            val: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn separable_classes_are_learned() {
        let xs = vec![
            x(&[(0, 1.0)]),
            x(&[(0, 0.8), (3, 0.2)]),
            x(&[(1, 1.0)]),
            x(&[(1, 0.9), (3, 0.1)]),
            x(&[(2, 1.0)]),
            x(&[(2, 0.7), (3, 0.3)]),
        ];
        let ys = [0, 0, 1, 1, 2, 2];
        let m = Linear::svm(&xs, &ys, 4, 3, SvmParams::default());
        for (xi, yi) in xs.iter().zip(ys) {
            let s = m.scores(xi);
            let best = (0..3).max_by(|a, b| s[*a].total_cmp(&s[*b]));
            assert_eq!(best, Some(yi), "{s:?}");
        }
        let s = m.scores(&x(&[(1, 0.5)]));
        assert!(s[1] > s[0] && s[1] > s[2], "{s:?}");
    }
}
