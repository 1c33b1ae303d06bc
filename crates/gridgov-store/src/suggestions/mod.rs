//! Suggesting an incident's category and lead department from its text. The models are core's
//! (`gridgov_core::suggest`), trained on the deployment's own incidents: closed ones for the
//! category, dispatched ones for the lead department. Training runs as a background job
//! (`suggest_train`) when enough new examples accumulated, or on demand; a suggestion is read
//! through the incident's doors; each operator decision shown a suggestion is recorded, for the
//! acceptance rate.

mod decide;
mod models;
mod read;
mod train;

pub use decide::{Acceptance, Decision};
pub use read::{IncidentSuggestion, Suggested};
pub use train::{TrainReport, Trained};

/// The job kind that (re)trains the models.
pub const SUGGEST_TRAIN: &str = "suggest_train";

/// What a model suggests.
pub const CATEGORY: &str = "category";
pub const DEPARTMENT: &str = "department";
pub const KINDS: [&str; 2] = [CATEGORY, DEPARTMENT];

/// New labelled incidents since the last training that make the periodic job retrain.
pub const RETRAIN_AFTER: i64 = 100;

/// Fewer labelled incidents than this teach nothing worth showing.
pub const MIN_EXAMPLES: i64 = 20;

/// Suggestions shown per kind.
pub const SHOWN: usize = 3;
