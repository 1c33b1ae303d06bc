//! Open311 GeoReport v2, the store's part: keys issued to client applications, the service
//! codes of each city (one jurisdiction per city) mapped onto public categories, requests
//! reported through a key as citizen incidents, and the public reads of a jurisdiction's
//! requests, which carry no personal data.
//!
//! The rules (public status, attributes, limits, dates) are in `gridgov_core::open311`; the
//! HTTP face (formats, the spec's error shape, the rate per key and per address) is in the web
//! crate. Nothing here is read by a person's scope except the desk's side (keys and the
//! mapping), which goes through `ScopeRange` like every scoped read.

mod keys;
mod report;
mod requests;
mod services;

pub use keys::{ApiKey, IssuedKey, KeyView};
pub(crate) use report::Open311Extra;
pub use report::{Open311Report, Posted};
pub use requests::{PublicRequest, RequestFilter};
pub use services::{Jurisdiction, Service, ServiceEdit};

use gridgov_core::FieldError;

/// A field error of the Open311 door, as the other modules write them.
pub(crate) fn fault(
    field: &str,
    code: &'static str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> crate::StoreError {
    FieldError::new(field, code, zh, en).into()
}
