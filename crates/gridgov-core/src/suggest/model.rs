//! A trained suggester: one or more members (a set of feature blocks and a learner each) whose
//! probabilities are averaged, over the labels it learned. A recipe says how to train one; the
//! same recipe learns categories or departments, whatever the labels are.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::bayes::Bayes;
use super::linear::{Linear, SvmParams};
use super::terms::Analyzer;
use super::vector::{Sparse, Vocabulary, Weighting};

/// A text and the label an operator gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub label: String,
}

/// One label ranked for a text, with the model's probability for it (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub label: String,
    pub confidence: f32,
}

/// The learner of one member.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Learner {
    /// Multinomial naive Bayes on raw counts, with this smoothing.
    Bayes { alpha: f32 },
    /// One-vs-rest linear SVM.
    Svm(SvmParams),
}

/// One block of a member's features and its share of the vector's length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockRecipe {
    pub analyzer: Analyzer,
    pub weighting: Weighting,
    pub scale: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecipe {
    pub blocks: Vec<BlockRecipe>,
    pub learner: Learner,
    /// Scores times this go through a softmax to become probabilities.
    pub sharpness: f32,
    /// This member's share of the ensemble's average.
    pub weight: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    pub members: Vec<MemberRecipe>,
    /// Terms in fewer texts than this are not learned.
    pub min_df: u32,
    /// The most terms a block keeps.
    pub max_terms: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Block {
    vocabulary: Vocabulary,
    scale: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Trained {
    Bayes(Bayes),
    Svm(Linear),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Member {
    blocks: Vec<Block>,
    trained: Trained,
    sharpness: f32,
    weight: f32,
}

/// A trained suggester.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// The labels, sorted; probabilities are in this order.
    pub labels: Vec<String>,
    /// How many labelled examples it learned from.
    pub examples: usize,
    members: Vec<Member>,
}

impl Member {
    fn vector(&self, text: &str) -> Sparse {
        vector(
            &self.blocks,
            text,
            matches!(self.trained, Trained::Bayes(_)),
        )
    }

    fn probabilities(&self, text: &str) -> Vec<f32> {
        let x = self.vector(text);
        let scores = match &self.trained {
            Trained::Bayes(m) => m.scores(&x),
            Trained::Svm(m) => m.scores(&x),
        };
        softmax(&scores, self.sharpness)
    }
}

/// A text's features over `blocks`, concatenated; naive Bayes counts, the rest weigh.
fn vector(blocks: &[Block], text: &str, raw_counts: bool) -> Sparse {
    let mut out = Sparse::default();
    let mut offset = 0u32;
    for b in blocks {
        let v = if raw_counts {
            b.vocabulary.counts(text)
        } else {
            b.vocabulary.vector(text)
        };
        out.extend(&v, offset, b.scale);
        offset += b.vocabulary.len() as u32;
    }
    out
}

fn softmax(scores: &[f32], sharpness: f32) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = scores
        .iter()
        .map(|s| ((s - max) * sharpness).exp())
        .collect();
    let sum: f32 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

fn train_member(
    recipe: &Recipe,
    m: &MemberRecipe,
    texts: &[&str],
    vocab_texts: &[&str],
    ys: &[usize],
    classes: usize,
) -> Member {
    let raw_counts = matches!(m.learner, Learner::Bayes { .. });
    // Each block reads every text (jieba's cutting is most of the work): one thread per block.
    let per_block: Vec<(Block, Vec<Sparse>)> = std::thread::scope(|s| {
        let handles: Vec<_> = m
            .blocks
            .iter()
            .map(|b| {
                s.spawn(move || {
                    let vocabulary = Vocabulary::fit(
                        b.analyzer,
                        b.weighting,
                        vocab_texts.iter().copied(),
                        recipe.min_df,
                        recipe.max_terms,
                    );
                    let xs: Vec<Sparse> = texts
                        .iter()
                        .map(|t| {
                            if raw_counts {
                                vocabulary.counts(t)
                            } else {
                                vocabulary.vector(t)
                            }
                        })
                        .collect();
                    let block = Block {
                        vocabulary,
                        scale: b.scale,
                    };
                    (block, xs)
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut blocks = Vec::with_capacity(per_block.len());
    let mut xs: Vec<Sparse> = vec![Sparse::default(); texts.len()];
    let mut offset = 0u32;
    for (block, block_xs) in per_block {
        for (x, bx) in xs.iter_mut().zip(&block_xs) {
            x.extend(bx, offset, block.scale);
        }
        offset += block.vocabulary.len() as u32;
        blocks.push(block);
    }
    let features = offset as usize;
    let trained = match m.learner {
        Learner::Bayes { alpha } => Trained::Bayes(Bayes::fit(&xs, ys, features, classes, alpha)),
        Learner::Svm(p) => Trained::Svm(Linear::svm(&xs, ys, features, classes, p)),
    };
    Member {
        blocks,
        trained,
        sharpness: m.sharpness,
        weight: m.weight,
    }
}

impl Model {
    /// Trains on labelled `examples`. `reading` are more texts of the same kind without a label
    /// (never the texts the model will be judged on): they only tell which terms are common, for
    /// the vocabulary and its inverse document frequencies. Deterministic: the same inputs give
    /// the same model. With no examples, the model has no labels and ranks nothing.
    pub fn train(recipe: &Recipe, examples: &[Example], reading: &[&str]) -> Model {
        let labels: Vec<String> = examples
            .iter()
            .map(|e| e.label.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let ys: Vec<usize> = examples
            .iter()
            .map(|e| labels.binary_search(&e.label).unwrap_or(0))
            .collect();
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let vocab_texts: Vec<&str> = texts.iter().chain(reading).copied().collect();
        let classes = labels.len();
        let members = if classes == 0 {
            Vec::new()
        } else {
            recipe
                .members
                .iter()
                .map(|m| train_member(recipe, m, &texts, &vocab_texts, &ys, classes))
                .collect()
        };
        Model {
            labels,
            examples: examples.len(),
            members,
        }
    }

    /// The probability of each label (in the order of `labels`) for `text`.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.labels.len()];
        let mut total = 0.0f32;
        for m in &self.members {
            for (s, p) in sum.iter_mut().zip(m.probabilities(text)) {
                *s += m.weight * p;
            }
            total += m.weight;
        }
        if total > 0.0 {
            sum.iter_mut().for_each(|s| *s /= total);
        }
        sum
    }

    /// The labels for `text`, most likely first, at most `k`.
    pub fn rank(&self, text: &str, k: usize) -> Vec<Ranked> {
        let p = self.probabilities(text);
        let mut order: Vec<usize> = (0..p.len()).collect();
        order.sort_by(|a, b| p[*b].total_cmp(&p[*a]).then(a.cmp(b)));
        order
            .into_iter()
            .take(k)
            .map(|i| Ranked {
                label: self.labels[i].clone(),
                confidence: p[i],
            })
            .collect()
    }

    /// The model as JSON, to be stored.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    pub fn from_json(json: &str) -> Result<Model, serde_json::Error> {
        let mut m: Model = serde_json::from_str(json)?;
        for member in &mut m.members {
            for b in &mut member.blocks {
                b.vocabulary.rebuild_index();
            }
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::super::recipes;
    use super::*;

    fn examples() -> Vec<Example> {
        let e = |text: &str, label: &str| Example {
            text: text.to_owned(),
            label: label.to_owned(),
        };
        vec![
            e("小区门口井盖缺失，晚上有行人差点掉下去", "市政设施"),
            e("人行道井盖破损松动，车辆经过响声很大", "市政设施"),
            e("路灯不亮已经一个月，井盖也坏了", "市政设施"),
            e("楼上装修噪音扰民，晚上十点还在施工", "噪音污染"),
            e("广场舞音响声音太大，噪音影响休息", "噪音污染"),
            e("夜间工地施工噪音很大，无法入睡", "噪音污染"),
            e("公司拖欠工资三个月，讨薪无门", "劳动保障"),
            e("单位不给缴纳社保，工资也拖欠", "劳动保障"),
            e("工地老板拖欠农民工工资", "劳动保障"),
        ]
    }

    #[test]
    fn a_small_separable_set_is_learned_by_every_recipe() {
        for recipe in [
            recipes::naive_bayes_bigrams(),
            recipes::svm_char_grams(),
            recipes::suggester(),
        ] {
            let model = Model::train(&recipe, &examples(), &[]);
            assert_eq!(model.labels.len(), 3);
            assert_eq!(model.examples, 9);
            let first = |t: &str| model.rank(t, 1)[0].label.clone();
            assert_eq!(first("马路上的井盖不见了"), "市政设施", "{recipe:?}");
            assert_eq!(first("邻居家噪音太大"), "噪音污染", "{recipe:?}");
            assert_eq!(first("老板拖欠我的工资"), "劳动保障", "{recipe:?}");
        }
    }

    #[test]
    fn ranking_is_ordered_and_confidences_are_probabilities() {
        let model = Model::train(&recipes::suggester(), &examples(), &[]);
        let ranked = model.rank("井盖缺失，晚上很危险", 3);
        assert_eq!(ranked.len(), 3);
        assert!(
            ranked
                .windows(2)
                .all(|w| w[0].confidence >= w[1].confidence)
        );
        let sum: f32 = model.probabilities("井盖缺失").iter().sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
        assert!(ranked[0].confidence > 0.5, "{ranked:?}");
        assert_eq!(model.rank("井盖", 2).len(), 2, "at most k");
    }

    #[test]
    fn an_empty_text_gets_no_confident_suggestion() {
        let model = Model::train(&recipes::suggester(), &examples(), &[]);
        let ranked = model.rank("", 3);
        assert_eq!(ranked.len(), 3);
        assert!(ranked[0].confidence < 0.5, "{ranked:?}");
        let clear = model.rank("井盖缺失", 1);
        assert!(clear[0].confidence > ranked[0].confidence);
    }

    #[test]
    fn without_examples_nothing_is_ranked() {
        let model = Model::train(&recipes::suggester(), &[], &["井盖缺失"]);
        assert!(model.labels.is_empty());
        assert!(model.rank("井盖缺失", 3).is_empty());
    }

    #[test]
    fn a_stored_model_ranks_as_the_trained_one() {
        let model = Model::train(&recipes::suggester(), &examples(), &["路灯不亮"]);
        let json = model.to_json().expect("serialisable");
        let back = Model::from_json(&json).expect("readable");
        assert_eq!(back.labels, model.labels);
        assert_eq!(
            back.probabilities("晚上路灯不亮，井盖也没有"),
            model.probabilities("晚上路灯不亮，井盖也没有")
        );
        let again = Model::train(&recipes::suggester(), &examples(), &["路灯不亮"]);
        assert_eq!(
            again.to_json().expect("serialisable"),
            json,
            "deterministic"
        );
    }
}
