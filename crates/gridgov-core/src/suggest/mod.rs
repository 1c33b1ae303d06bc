//! Suggesting an incident's category and department from its text: Chinese cut into character
//! n-grams and jieba words, TF-IDF features, linear and naive Bayes learners, and the
//! cross-validation that measures them. Pure: training takes texts and labels, a trained model
//! is plain data (JSON) that the store keeps.

mod bayes;
pub mod evaluate;
mod linear;
mod model;
pub mod recipes;
mod rng;
mod terms;
mod vector;

pub use evaluate::{Accuracy, cross_validate};
pub use linear::SvmParams;
pub use model::{BlockRecipe, Example, Learner, MemberRecipe, Model, Ranked, Recipe};
pub use terms::Analyzer;
pub use vector::Weighting;

/// The text a model reads for an incident: its title twice (a title names the matter; the
/// description tells the story around it) and its description.
pub fn document(title: &str, description: &str) -> String {
    format!("{title}。{title}。{description}")
}

/// A category's own names as one short example of it: a taxonomy's subcategory names, or a
/// deployment's category name and description. It gives every category some words before any
/// incident was filed under it.
pub fn names_example(label: &str, names: &[&str]) -> Example {
    Example {
        text: names.join("，"),
        label: label.to_owned(),
    }
}
