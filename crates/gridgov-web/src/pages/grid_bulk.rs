//! Changes to many grids at once: importing boundaries from GeoJSON, merging grids of a village
//! and "one grid per village" for a township or county.
//!
//! Files come pasted into a textarea (a file input fills it through app.js) rather than as a
//! multipart upload: forms stay urlencoded, which the CSRF guard reads, and axum needs no
//! multipart support compiled in. The price is the global body limit on the encoded form (2 MB
//! by default, about 1.5 MB of GeoJSON); the page says so, and points larger files to the API's
//! upload route and the command line, which take whole cities.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::FieldError;
use gridgov_core::grids::parse_household_target;
use gridgov_geo::features::Crs;
use gridgov_store::grids::{BoundaryImport, BoundaryImportReport, MergeInput};
use gridgov_store::{RowError, StoreError};
use serde::Deserialize;

use super::grids::{
    ListQuery, MergeState, build_list, can_manage, form_errors, unprocessable, version_conflict,
};
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

/// One fault of a rejected file, as the fault table shows it.
pub struct FaultRow {
    /// The feature's number from 1, or "whole file".
    pub feature: String,
    pub field: String,
    pub value: String,
    pub reason: String,
}

pub fn fault_rows(lang: Lang, rows: &[RowError]) -> Vec<FaultRow> {
    let t = lang.texts();
    rows.iter()
        .map(|r| FaultRow {
            feature: if r.line == 0 {
                t.whole_file.to_owned()
            } else {
                r.line.to_string()
            },
            field: r.field.clone(),
            value: r.value.clone(),
            reason: lang.pick(&r.zh, &r.en).to_owned(),
        })
        .collect()
}

/// The coordinate system picked in a form; WGS84 unless GCJ-02 is asked for.
pub fn parse_crs(s: &str) -> Crs {
    if s == "gcj02" { Crs::Gcj02 } else { Crs::Wgs84 }
}

/// A pasted file's name: the one the file input reported, or a stand-in for the audit trail.
pub fn file_name(given: Option<&str>) -> String {
    given
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| f.chars().take(120).collect())
        .unwrap_or_else(|| "pasted.geojson".to_owned())
}

pub fn missing_geojson() -> FieldError {
    FieldError::new(
        "geojson",
        "required",
        "请选择文件或粘贴 GeoJSON",
        "choose a file or paste GeoJSON",
    )
}

// ---------------------------------------------------------------------------------------------
// Import.

#[derive(Template)]
#[template(path = "grid_import.html")]
pub struct ImportPage {
    pub c: Chrome,
    pub geojson: String,
    pub file: String,
    pub gcj02: bool,
    pub allow_gaps: bool,
    pub faults: Vec<FaultRow>,
    pub errors: FormErrors,
    pub report: Option<BoundaryImportReport>,
    /// The largest form body the server takes, for app.js to refuse a file before sending it.
    pub max_bytes: usize,
    pub max_mb: String,
}

impl ImportPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &["geojson"])
    }
}

async fn import_page(state: &AppState, u: &PageUser) -> ImportPage {
    ImportPage {
        c: Chrome::build(state, u, "/grids", "/grids/import").await,
        geojson: String::new(),
        file: String::new(),
        gcj02: false,
        allow_gaps: false,
        faults: Vec::new(),
        errors: FormErrors::default(),
        report: None,
        max_bytes: state.config.body_limit,
        max_mb: format!("{:.1}", state.config.body_limit as f64 / 1_048_576.0),
    }
}

pub async fn import_form(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    if !can_manage(&u.actor) {
        return Err(StoreError::Forbidden.into());
    }
    Ok(render(&import_page(&state, &u).await))
}

#[derive(Deserialize)]
pub struct ImportForm {
    geojson: String,
    file: Option<String>,
    crs: String,
    allow_gaps: Option<String>,
}

pub async fn import(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<ImportForm>,
) -> Result<Response, AppError> {
    let file = file_name(f.file.as_deref());
    let result = if f.geojson.trim().is_empty() {
        Err(StoreError::Invalid(gridgov_core::Invalid(vec![
            missing_geojson(),
        ])))
    } else {
        let input = BoundaryImport {
            file: &file,
            text: &f.geojson,
            crs: parse_crs(&f.crs),
            allow_gaps: f.allow_gaps.is_some(),
        };
        state.store.import_grid_boundaries(&u.actor, &input).await
    };
    let mut page = import_page(&state, &u).await;
    page.gcj02 = f.crs == "gcj02";
    page.allow_gaps = f.allow_gaps.is_some();
    match result {
        Ok(report) => {
            page.report = Some(report);
            Ok(render(&page))
        }
        Err(e) => {
            // Keep what was sent, so a fix is one edit away.
            page.geojson = f.geojson;
            page.file = f.file.unwrap_or_default();
            match e {
                StoreError::Rows(rows) => page.faults = fault_rows(u.lang, &rows),
                other => page.errors = form_errors(other)?,
            }
            Ok(unprocessable(render(&page)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Merge and "one grid per village", both posted from the list.

/// The list of `region` again, with the errors of a form posted from it.
async fn list_again(
    state: &AppState,
    u: &PageUser,
    region: Option<String>,
    merge: MergeState,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let q = ListQuery {
        region,
        ..ListQuery::default()
    };
    let page = build_list(state, u, &q, merge, errors).await?;
    Ok(unprocessable(render(&page)))
}

/// Merge form: the ticked rows come as repeated `ids` fields, which a struct cannot collect.
pub async fn merge(
    State(state): State<AppState>,
    u: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut input = MergeInput {
        ids: Vec::new(),
        code: String::new(),
        name: String::new(),
    };
    let mut region = None;
    for (k, v) in fields {
        match k.as_str() {
            "ids" => input.ids.push(v),
            "code" => input.code = v,
            "name" => input.name = v,
            "region" => region = Some(v).filter(|r| !r.is_empty()),
            _ => {}
        }
    }
    let errors = match state.store.merge_grids(&u.actor, &input).await {
        Ok(id) => return Ok(Redirect::to(&format!("/grids/{id}?merged=1")).into_response()),
        Err(StoreError::VersionConflict) => FormErrors(vec![version_conflict()]),
        Err(e) => form_errors(e)?,
    };
    let merge = MergeState {
        ids: input.ids,
        code: input.code,
        name: input.name,
        errors,
    };
    list_again(&state, &u, region, merge, FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct VillageModeForm {
    region: String,
    household_target: String,
}

pub async fn one_per_village(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<VillageModeForm>,
) -> Result<Response, AppError> {
    let result = match parse_household_target("household_target", &f.household_target) {
        Ok(n) => {
            state
                .store
                .one_grid_per_village(&u.actor, &f.region, n)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => {
            let q = serde_urlencoded::to_string([
                ("region", f.region.as_str()),
                ("made", &r.created.to_string()),
                ("skipped", &r.skipped.to_string()),
            ])
            .unwrap_or_default();
            Ok(Redirect::to(&format!("/grids?{q}")).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            list_again(&state, &u, Some(f.region), MergeState::default(), errors).await
        }
    }
}
