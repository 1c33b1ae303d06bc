//! The incident category tree in the desk UI: the tree for everyone (system administrators see
//! deactivated categories too, and the form for a new one). One category's page and its changes
//! are in `category_page`.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::Permission;
use gridgov_core::departments::{Sector, parse_sectors};
use gridgov_core::incidents::Grade;
use gridgov_store::categories::{Category, CategoryInput};
use serde::Deserialize;

use super::grids::{form_errors, unprocessable};
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// A category's name in the interface's language (the Chinese one when no English was given).
pub fn name_in(lang: Lang, c: &Category) -> String {
    match lang {
        Lang::En if !c.name_en.is_empty() => c.name_en.clone(),
        _ => c.name.clone(),
    }
}

pub fn sector_labels(lang: Lang, sectors: &[Sector]) -> String {
    sectors
        .iter()
        .map(|s| lang.pick(s.label_zh(), s.label_en()))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

pub struct TreeRow {
    pub code: String,
    pub level: i64,
    pub name: String,
    pub grade: &'static str,
    pub sectors: String,
    pub evidence_required: bool,
    pub public: bool,
    pub active: bool,
    pub in_use: bool,
}

/// The category form's values: what was typed, or what the category holds.
pub struct CategoryFields {
    pub code: String,
    pub parent_code: String,
    pub name: String,
    pub name_en: String,
    pub grades: Vec<Choice>,
    pub sectors: Vec<Choice>,
    pub evidence_required: bool,
    pub public: bool,
    pub sort_order: String,
    pub max_extension_days: String,
}

impl CategoryFields {
    /// The fields of an input, as the form shows them again.
    pub fn of(lang: Lang, i: &CategoryInput) -> Self {
        let grade = Grade::parse("default_grade", &i.default_grade).unwrap_or(Grade::General);
        let chosen =
            parse_sectors("sectors", i.sectors.iter().map(String::as_str)).unwrap_or_default();
        CategoryFields {
            code: i.code.clone(),
            parent_code: i.parent_code.clone(),
            name: i.name.clone(),
            name_en: i.name_en.clone(),
            grades: Grade::ALL
                .iter()
                .map(|g| Choice {
                    value: g.as_str(),
                    label: lang.pick(g.label_zh(), g.label_en()),
                    selected: *g == grade,
                })
                .collect(),
            sectors: Sector::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str(),
                    label: lang.pick(s.label_zh(), s.label_en()),
                    selected: chosen.contains(s),
                })
                .collect(),
            evidence_required: i.evidence_required,
            public: i.public,
            sort_order: i.sort_order.clone(),
            max_extension_days: i.max_extension_days.clone(),
        }
    }
}

/// A posted category form: sectors come as repeated checkboxes, which a struct cannot collect;
/// an unticked checkbox is not sent at all.
pub fn read_form(pairs: Vec<(String, String)>) -> (CategoryInput, Option<i64>) {
    let mut input = CategoryInput {
        public: false,
        ..CategoryInput::default()
    };
    let mut version = None;
    for (k, v) in pairs {
        match k.as_str() {
            "code" => input.code = v,
            "parent_code" => input.parent_code = v,
            "name" => input.name = v,
            "name_en" => input.name_en = v,
            "default_grade" => input.default_grade = v,
            "sectors" => input.sectors.push(v),
            "evidence_required" => input.evidence_required = true,
            "public" => input.public = true,
            "sort_order" => input.sort_order = v,
            "max_extension_days" => input.max_extension_days = v,
            "version" => version = v.trim().parse().ok(),
            _ => {}
        }
    }
    (input, version)
}

#[derive(Template)]
#[template(path = "categories.html")]
pub struct TreePage {
    /// How often operators took the suggested category and lead department, in the caller's
    /// scope (for those who see incidents).
    pub acceptance: Vec<String>,
    pub c: Chrome,
    pub rows: Vec<TreeRow>,
    pub can_manage: bool,
    pub f: CategoryFields,
    pub errors: FormErrors,
}

impl TreePage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &FIELDS)
    }
}

pub const FIELDS: [&str; 9] = [
    "max_extension_days",
    "code",
    "parent_code",
    "name",
    "name_en",
    "default_grade",
    "sectors",
    "sort_order",
    "version",
];

#[derive(Deserialize, Default)]
pub struct TreeQuery {
    /// Pre-fills the new category's parent (the "add below" link of a category's page).
    parent: Option<String>,
}

pub async fn tree(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<TreeQuery>,
) -> Result<Response, AppError> {
    let input = CategoryInput {
        parent_code: q.parent.unwrap_or_default(),
        ..CategoryInput::default()
    };
    let page = build(&state, &u, &input, FormErrors::default()).await?;
    Ok(render(&page))
}

async fn build(
    state: &AppState,
    u: &PageUser,
    input: &CategoryInput,
    errors: FormErrors,
) -> Result<TreePage, AppError> {
    let can_manage = u.actor.can(Permission::ManageCategories);
    let all = state.store.category_tree(&u.actor, can_manage).await?;
    let rows = all
        .iter()
        .map(|c| TreeRow {
            code: c.code.clone(),
            level: c.level,
            name: name_in(u.lang, c),
            grade: u
                .lang
                .pick(c.default_grade.label_zh(), c.default_grade.label_en()),
            sectors: sector_labels(u.lang, &c.sectors),
            evidence_required: c.evidence_required,
            public: c.public,
            active: c.active,
            in_use: c.in_use,
        })
        .collect();
    let acceptance = match state.store.suggestion_acceptance(&u.actor).await {
        Ok(rates) => rates
            .iter()
            .map(|r| {
                let what = match r.kind.as_str() {
                    "category" => u.lang.pick("建议分类采纳率", "suggested category taken"),
                    _ => u
                        .lang
                        .pick("建议主办部门采纳率", "suggested lead department taken"),
                };
                let rate = r
                    .rate
                    .map_or_else(|| "—".to_owned(), |x| format!("{:.0}%", x * 100.0));
                format!("{what}：{rate}（{}/{}）", r.taken, r.decisions)
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(TreePage {
        acceptance,
        c: Chrome::build(state, u, "/categories", "/categories").await,
        rows,
        can_manage,
        f: CategoryFields::of(u.lang, input),
        errors,
    })
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (input, _) = read_form(pairs);
    match state.store.create_category(&u.actor, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/categories/{}?created=1", c.code)).into_response()),
        Err(e) => {
            let page = build(&state, &u, &input, form_errors(e)?).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}
