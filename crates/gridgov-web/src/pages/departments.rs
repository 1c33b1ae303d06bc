//! Departments in the desk UI: those serving the user's area with filters, and the form for a
//! new one. A department's own page, its handlers and its changes are in `department_page`.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::Permission;
use gridgov_core::departments::Sector;
use gridgov_store::StoreError;
use gridgov_store::departments::{Department, DepartmentFilter, DepartmentInput, DepartmentRef};
use serde::Deserialize;

use super::grids::{form_errors, unprocessable};
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

pub struct SectorOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// Every sector for a select, the one given (by code or label) selected.
pub fn sector_options(lang: Lang, selected: &str) -> Vec<SectorOption> {
    let chosen = Sector::parse("sector", selected).ok();
    Sector::ALL
        .iter()
        .map(|s| SectorOption {
            value: s.as_str(),
            label: lang.pick(s.label_zh(), s.label_en()),
            selected: Some(*s) == chosen,
        })
        .collect()
}

pub struct DepartmentRow {
    pub id: String,
    pub name: String,
    pub sector: &'static str,
    pub region: String,
    pub phone: String,
    pub members: i64,
    pub active: bool,
}

impl DepartmentRow {
    fn of(lang: Lang, d: Department) -> Self {
        DepartmentRow {
            sector: lang.pick(d.sector.label_zh(), d.sector.label_en()),
            region: format!("{} ({})", d.region_name, d.region_code),
            id: d.id,
            name: d.name,
            phone: d.phone,
            members: d.members,
            active: d.active,
        }
    }
}

#[derive(Template)]
#[template(path = "departments_list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub rows: Vec<DepartmentRow>,
    pub mine: Option<DepartmentRef>,
    pub q: String,
    pub region: String,
    pub sectors: Vec<SectorOption>,
    pub inactive: bool,
    pub can_manage: bool,
    pub page: i64,
    pub has_next: bool,
    /// The filters as a query string, for the pager.
    pub query: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    sector: Option<String>,
    region: Option<String>,
    inactive: Option<String>,
    page: Option<i64>,
}

const PAGE_SIZE: i64 = 50;

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = lq.page.unwrap_or(1).max(1);
    let filter = DepartmentFilter {
        q: lq.q.clone().unwrap_or_default(),
        sector: lq.sector.clone().unwrap_or_default(),
        region: lq.region.clone().unwrap_or_default(),
        include_inactive: lq.inactive.is_some(),
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
    };
    let mut found = state.store.departments(&u.actor, &filter).await?;
    let has_next = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let query = serde_urlencoded::to_string([
        ("q", filter.q.as_str()),
        ("sector", filter.sector.as_str()),
        ("region", filter.region.as_str()),
        ("inactive", if filter.include_inactive { "1" } else { "" }),
    ])
    .unwrap_or_default();
    let page = ListPage {
        c: Chrome::build(&state, &u, "/departments", "/departments").await,
        rows: found
            .into_iter()
            .map(|d| DepartmentRow::of(u.lang, d))
            .collect(),
        mine: state.store.my_department(&u.actor).await?,
        sectors: sector_options(u.lang, &filter.sector),
        q: filter.q,
        region: filter.region,
        inactive: filter.include_inactive,
        can_manage: u.actor.can(Permission::ManageDepartments),
        page,
        has_next,
        query,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "department_new.html")]
pub struct NewPage {
    pub c: Chrome,
    pub name: String,
    pub sectors: Vec<SectorOption>,
    pub region_code: String,
    pub phone: String,
    pub errors: FormErrors,
}

impl NewPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors
            .others(self.c.lang, &["name", "sector", "region_code", "phone"])
    }
}

pub async fn new_form(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    if !u.actor.can(Permission::ManageDepartments) {
        return Err(StoreError::Forbidden.into());
    }
    let page = NewPage {
        c: Chrome::build(&state, &u, "/departments", "/departments/new").await,
        name: String::new(),
        sectors: sector_options(u.lang, ""),
        region_code: u.user.scope_code.clone().unwrap_or_default(),
        phone: String::new(),
        errors: FormErrors::default(),
    };
    Ok(render(&page))
}

/// The department form's fields, as the new and the edit form post them.
#[derive(Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub phone: String,
}

impl DepartmentForm {
    pub fn input(&self) -> DepartmentInput {
        DepartmentInput {
            name: self.name.clone(),
            sector: self.sector.clone(),
            region_code: self.region_code.clone(),
            phone: self.phone.clone(),
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<DepartmentForm>,
) -> Result<Response, AppError> {
    match state.store.create_department(&u.actor, &f.input()).await {
        Ok(d) => Ok(Redirect::to(&format!("/departments/{}?created=1", d.id)).into_response()),
        Err(e) => {
            let page = NewPage {
                c: Chrome::build(&state, &u, "/departments", "/departments/new").await,
                sectors: sector_options(u.lang, &f.sector),
                name: f.name,
                region_code: f.region_code,
                phone: f.phone,
                errors: form_errors(e)?,
            };
            Ok(unprocessable(render(&page)))
        }
    }
}
