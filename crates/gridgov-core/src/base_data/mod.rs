//! Base data (人房楼, the five elements): the closed vocabularies of person, house, organization
//! and place records, the grid a record names, and the columns of the import templates.

pub mod fields;
pub mod grid_key;
pub mod house;
pub mod org_place;
pub mod person;
pub mod templates;
pub mod vocab;

pub use grid_key::GridKey;
pub use house::{BuildingDraft, HouseDraft, LinkDraft, ValidBuilding, ValidHouse, ValidLink};
pub use org_place::{OrganizationDraft, PlaceDraft, ValidOrganization, ValidPlace};
pub use person::{PersonDraft, ValidPerson};
pub use templates::{Column, RecordKind};
pub use vocab::{Ethnicity, HouseUse, OrgKind, PlaceKind, ResidenceType};
