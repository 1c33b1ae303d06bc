//! Measuring a recipe: stratified k-fold cross-validation with a fixed seed, top-1 and top-3
//! accuracy. Each fold's model learns only from the other folds; what else it may read
//! (unlabelled texts) the caller decides in `train`.

use std::collections::BTreeMap;

use super::model::{Example, Model};
use super::rng::SplitMix;

/// How often the right label was first, and among the first three.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Accuracy {
    pub top1: f64,
    pub top3: f64,
    pub tested: usize,
}

/// The fold of each example: each label's examples shuffled (seeded) and dealt round the folds
/// in turn, so that every fold has each label in its share.
pub fn folds(examples: &[Example], k: usize, seed: u64) -> Vec<usize> {
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        by_label.entry(e.label.as_str()).or_default().push(i);
    }
    let mut rng = SplitMix::new(seed);
    let mut fold = vec![0usize; examples.len()];
    let mut next = 0usize;
    for members in by_label.values_mut() {
        rng.shuffle(members);
        for i in members.iter() {
            fold[*i] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

/// Scores `model` on `tests`.
pub fn accuracy(model: &Model, tests: &[&Example]) -> Accuracy {
    let (mut top1, mut top3) = (0usize, 0usize);
    for e in tests {
        let ranked = model.rank(&e.text, 3);
        if ranked.first().is_some_and(|r| r.label == e.label) {
            top1 += 1;
        }
        if ranked.iter().any(|r| r.label == e.label) {
            top3 += 1;
        }
    }
    let n = tests.len().max(1) as f64;
    Accuracy {
        top1: top1 as f64 / n,
        top3: top3 as f64 / n,
        tested: tests.len(),
    }
}

/// k-fold cross-validation: `train` is called once per fold with that fold's training examples;
/// the accuracies are pooled over all held-out examples.
pub fn cross_validate(
    examples: &[Example],
    k: usize,
    seed: u64,
    train: &dyn Fn(&[Example]) -> Model,
) -> Accuracy {
    let fold = folds(examples, k, seed);
    let (mut top1, mut top3, mut tested) = (0.0, 0.0, 0usize);
    for f in 0..k {
        let training: Vec<Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g != f)
            .map(|(e, _)| e.clone())
            .collect();
        let tests: Vec<&Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g == f)
            .map(|(e, _)| e)
            .collect();
        let model = train(&training);
        let a = accuracy(&model, &tests);
        top1 += a.top1 * a.tested as f64;
        top3 += a.top3 * a.tested as f64;
        tested += a.tested;
    }
    let n = tested.max(1) as f64;
    Accuracy {
        top1: top1 / n,
        top3: top3 / n,
        tested,
    }
}

#[cfg(test)]
mod tests {
    use super::super::recipes;
    use super::*;

    fn set() -> Vec<Example> {
        let mut out = Vec::new();
        for i in 0..10 {
            out.push(Example {
                text: format!("井盖缺失{i}号路口井盖破损"),
                label: "市政".into(),
            });
            out.push(Example {
                text: format!("拖欠工资{i}个月讨薪"),
                label: "劳动".into(),
            });
        }
        out
    }

    #[test]
    fn folds_are_stratified_and_seeded() {
        let s = set();
        let f = folds(&s, 5, 1);
        for fold in 0..5 {
            let labels: Vec<&str> = s
                .iter()
                .zip(&f)
                .filter(|(_, g)| **g == fold)
                .map(|(e, _)| e.label.as_str())
                .collect();
            assert_eq!(labels.len(), 4);
            assert_eq!(labels.iter().filter(|l| **l == "市政").count(), 2);
        }
        assert_eq!(f, folds(&s, 5, 1));
        assert_ne!(f, folds(&s, 5, 2));
    }

    #[test]
    fn a_separable_set_is_classified_without_error() {
        let a = cross_validate(&set(), 5, 3, &|tr| {
            Model::train(&recipes::svm_char_grams(), tr, &[])
        });
        assert_eq!(a.tested, 20);
        assert_eq!(a.top1, 1.0);
        assert_eq!(a.top3, 1.0);
    }

    #[test]
    fn a_model_that_knows_one_label_misses_the_other() {
        let s = set();
        let only: Vec<Example> = s.iter().filter(|e| e.label == "市政").cloned().collect();
        let model = Model::train(&recipes::suggester(), &only, &[]);
        let tests: Vec<&Example> = s.iter().collect();
        let a = accuracy(&model, &tests);
        assert_eq!(a.top1, 0.5);
    }
}
