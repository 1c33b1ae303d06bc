//! The standing authorization matrix: every route the app serves × every role × a record inside
//! the caller's scope and one outside it. See `docs/security.md`.

pub mod case;
mod cases_api;
mod cases_departments;
mod cases_incidents;
mod cases_open311;
mod cases_pages;
mod cases_records;
mod cases_settings;
mod cases_supervision;
pub mod city;
pub mod coverage;
mod fingerprint;
mod http;
mod judge;
mod objects;
pub mod run;
mod seed;
mod tally;

/// Every route's case: desk and operations, then the API.
pub fn all_cases() -> Vec<case::Case> {
    let mut all = cases_pages::cases();
    all.extend(cases_api::cases());
    all.extend(cases_records::cases());
    all.extend(cases_departments::cases());
    all.extend(cases_incidents::cases());
    all.extend(cases_settings::cases());
    all.extend(cases_supervision::cases());
    all.extend(cases_open311::cases());
    all
}
