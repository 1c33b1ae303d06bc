//! The recipes measured by `gridgov bench suggest`: the two classical baselines, and the
//! suggester gridgov trains.

use super::linear::SvmParams;
use super::model::{BlockRecipe, Learner, MemberRecipe, Recipe};
use super::terms::Analyzer;
use super::vector::Weighting;

const COUNTS: Weighting = Weighting {
    sublinear: false,
    idf: false,
    normalise: false,
};
const TFIDF: Weighting = Weighting {
    sublinear: false,
    idf: true,
    normalise: true,
};

/// Baseline: multinomial naive Bayes over character bigram counts.
pub fn naive_bayes_bigrams() -> Recipe {
    Recipe {
        members: vec![MemberRecipe {
            blocks: vec![BlockRecipe {
                analyzer: Analyzer::Chars { min: 2, max: 2 },
                weighting: COUNTS,
                scale: 1.0,
            }],
            learner: Learner::Bayes { alpha: 1.0 },
            sharpness: 1.0,
            weight: 1.0,
        }],
        min_df: 1,
        max_terms: usize::MAX,
    }
}

/// Baseline: TF-IDF character 1–3-grams and a one-vs-rest linear SVM (C = 1).
pub fn svm_char_grams() -> Recipe {
    Recipe {
        members: vec![MemberRecipe {
            blocks: vec![BlockRecipe {
                analyzer: Analyzer::Chars { min: 1, max: 3 },
                weighting: TFIDF,
                scale: 1.0,
            }],
            learner: Learner::Svm(SvmParams::default()),
            sharpness: 3.0,
            weight: 1.0,
        }],
        min_df: 1,
        max_terms: usize::MAX,
    }
}

/// gridgov's suggester: the same character 1–3-grams beside jieba's words (at a smaller share:
/// alone they do worse than the characters, beside them they settle some ties), terms seen in
/// at least two texts, and a higher cost C = 5 (the incidents of one category are written
/// alike, so a closer fit generalises). What else lifts it over the baseline lies in what it
/// reads: the inverse document frequencies learned from unlabelled texts as well, and the
/// category taxonomy's names learned as one short example per category (see `document`).
pub fn suggester() -> Recipe {
    Recipe {
        members: vec![MemberRecipe {
            blocks: vec![
                BlockRecipe {
                    analyzer: Analyzer::Chars { min: 1, max: 3 },
                    weighting: TFIDF,
                    scale: 1.0,
                },
                BlockRecipe {
                    analyzer: Analyzer::Words { pairs: false },
                    weighting: TFIDF,
                    scale: 0.4,
                },
            ],
            learner: Learner::Svm(SvmParams {
                c: 5.0,
                ..SvmParams::default()
            }),
            sharpness: 3.0,
            weight: 1.0,
        }],
        min_df: 2,
        max_terms: 150_000,
    }
}
