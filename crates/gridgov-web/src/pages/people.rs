//! Finding a person: one box that reads a full ID number, a full phone or the beginning of a
//! name (the store decides which), results masked and paged, each linking to the person's page;
//! and the masked CSV export of the scope.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_core::auth::{Actor, Permission};
use gridgov_store::StoreError;
use gridgov_store::records::{PersonListItem, SearchKind};
use serde::Deserialize;

use super::grids::region_or_scope;
use super::{Chrome, base_labels, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

const PAGE_SIZE: i64 = 50;

/// A person in a list: masked numbers only, as the store gives them.
pub struct PersonRow {
    pub href: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub id_card: String,
    pub phone: String,
    pub residence: String,
    pub grid_href: String,
    pub grid: String,
}

pub fn person_row(lang: Lang, p: &PersonListItem) -> PersonRow {
    PersonRow {
        href: format!("/people/{}/{}", p.county_code, p.id),
        name: p.name.clone(),
        gender: base_labels::gender(lang, &p.gender),
        birth_date: p.birth_date.clone(),
        id_card: p.id_card_masked.clone(),
        phone: p.phone_masked.clone().unwrap_or_default(),
        residence: base_labels::residence(lang, &p.residence_type),
        grid_href: format!("/grids/{}", p.grid_id),
        grid: format!("{} {}", p.grid_code, p.grid_name),
    }
}

/// `Forbidden` unless the user may see base data: pages that show nothing before a query still
/// must not open for others.
pub fn need_view(a: &Actor) -> Result<(), AppError> {
    if a.can(Permission::ViewBaseData) {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
    }
}

#[derive(Template)]
#[template(path = "people_search.html")]
pub struct SearchPage {
    pub c: Chrome,
    pub q: String,
    /// How the query was read, once it was.
    pub read_as: Option<&'static str>,
    pub rows: Vec<PersonRow>,
    pub searched: bool,
    pub error: Option<String>,
    pub page: i64,
    pub has_next: bool,
    /// The query encoded for the pager.
    pub query: String,
    pub can_import: bool,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<i64>,
}

pub async fn search(
    State(state): State<AppState>,
    u: PageUser,
    Query(sq): Query<SearchQuery>,
) -> Result<Response, AppError> {
    need_view(&u.actor)?;
    let t = u.lang.texts();
    let q = sq.q.unwrap_or_default().trim().to_owned();
    let page = sq.page.unwrap_or(1).clamp(1, 10_000);
    let query = serde_urlencoded::to_string([("q", q.as_str())]).unwrap_or_default();
    let mut out = SearchPage {
        c: Chrome::build(&state, &u, "/people", &format!("/people?{query}")).await,
        q: q.clone(),
        read_as: None,
        rows: Vec::new(),
        searched: !q.is_empty(),
        error: None,
        page,
        has_next: false,
        query,
        can_import: u.actor.can(Permission::ImportBaseData),
    };
    if !q.is_empty() {
        let found = state
            .store
            .search_persons(&u.actor, &q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
            .await;
        match found {
            Ok(found) => {
                out.read_as = Some(match found.kind {
                    SearchKind::IdCardNo => t.read_as_id_card,
                    SearchKind::Phone => t.read_as_phone,
                    SearchKind::Name => t.read_as_name,
                });
                out.has_next = found.persons.len() as i64 > PAGE_SIZE;
                out.rows = found
                    .persons
                    .iter()
                    .take(PAGE_SIZE as usize)
                    .map(|p| person_row(u.lang, p))
                    .collect();
            }
            // A number that is no number (wrong check digit, too short) is said on the box.
            Err(StoreError::Invalid(inv)) => {
                out.error = Some(
                    inv.0
                        .iter()
                        .map(|e| u.lang.pick(&e.zh, &e.en))
                        .collect::<Vec<_>>()
                        .join("；"),
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render(&out))
}

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    region: String,
}

/// The persons of the scope (or of a region inside it) as masked CSV, streamed. Revealing
/// exports stay with the API, where the reason travels in the request body.
pub async fn export(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<ExportForm>,
) -> Result<Response, AppError> {
    let region = region_or_scope(&state, &u, Some(&f.region)).await?;
    let e = state
        .store
        .export_persons(&u.actor, region.as_ref().map(|r| r.path.as_str()), None)
        .await?;
    crate::api::csv_response(e)
}
