//! Base data (人房楼, the five elements): the closed vocabularies of person, house, organization
//! and place records, the grid a record names, and the columns of the import templates.

pub mod grid_key;
pub mod templates;
pub mod vocab;

pub use grid_key::GridKey;
pub use templates::{Column, RecordKind};
pub use vocab::{Ethnicity, HouseUse, OrgKind, PlaceKind, ResidenceType};
