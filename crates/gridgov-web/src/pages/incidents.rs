//! The work lists of the desk (`/incidents`): a tab per list the store keeps (my tasks, awaiting
//! acceptance …), the filters as a GET form, a page at a time by the store's keyset cursor, the
//! total (exact up to 10,000) and export links that carry the same filters to the API's export.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_store::StoreError;
use gridgov_store::departments::DepartmentFilter;
use gridgov_store::grids::GridFilter;
use gridgov_store::incidents::{IncidentFilter, WorkList};
use serde::Deserialize;

use super::incident_labels::{
    Choice, grade_choices, grade_label, level_choices, list_label, source_choices, state_choices,
    state_label,
};
use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::{IncidentTexts, Lang};

const PAGE_SIZE: i64 = 50;
const DAY_MS: i64 = 24 * 3_600_000;

pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

pub struct Row {
    pub href: String,
    pub number: String,
    pub title: String,
    pub category: String,
    pub grade: String,
    pub state: String,
    pub grid: String,
    pub reported_at: String,
    pub shirking: bool,
    /// The light's CSS name and label, and the due time, while a step's clock runs.
    pub light: Option<(&'static str, &'static str)>,
    pub due: String,
    /// `county/id`, what listed supervision names it by.
    pub key: String,
}

/// Listed supervision (挂牌督办) from this list, for a center role: the ticked rows, or the
/// list's filters, carried as hidden fields.
pub struct ListedForm {
    pub st: &'static crate::i18n::SupervisionTexts,
    pub filters: Vec<(&'static str, String)>,
    pub colours: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "incidents_list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub it: &'static IncidentTexts,
    pub tabs: Vec<Tab>,
    pub list: &'static str,
    pub rows: Vec<Row>,
    /// "37", or "10,000+" past the store's cap.
    pub total: String,
    pub states: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub grades: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub grids: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub region: String,
    pub from: String,
    pub until: String,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub csv_href: String,
    pub xlsx_href: String,
    pub can_report: bool,
    pub listed: Option<ListedForm>,
}

/// The list's query as the desk's form sends it: dates as `date` inputs give them.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    list: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    grid: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    resolution_level: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    after: String,
}

impl ListQuery {
    fn work_list(&self) -> WorkList {
        WorkList::ALL
            .into_iter()
            .find(|l| l.as_str() == self.list)
            .unwrap_or_default()
    }

    fn filter(&self) -> IncidentFilter {
        IncidentFilter {
            list: self.work_list(),
            state: self.state.clone(),
            category: self.category.clone(),
            grade: self.grade.clone(),
            source: self.source.clone(),
            department: self.department.clone(),
            grid: self.grid.clone(),
            region: self.region.clone(),
            resolution_level: self.resolution_level.clone(),
            from: time::parse_day(&self.from),
            // The day given is included: the filter ends where the next day begins.
            until: time::parse_day(&self.until).map(|t| t + DAY_MS),
            after: self.after.clone(),
            limit: Some(PAGE_SIZE),
        }
    }

    /// The filters (not the list, not the page) as the desk's query string.
    fn filters(&self) -> Vec<(&'static str, &str)> {
        [
            ("state", self.state.as_str()),
            ("category", &self.category),
            ("grade", &self.grade),
            ("source", &self.source),
            ("department", &self.department),
            ("grid", &self.grid),
            ("region", &self.region),
            ("resolution_level", &self.resolution_level),
            ("from", &self.from),
            ("until", &self.until),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
    }

    fn href(&self, list: WorkList, after: &str) -> String {
        let mut q = vec![("list", list.as_str())];
        q.extend(self.filters());
        if !after.is_empty() {
            q.push(("after", after));
        }
        format!(
            "/incidents?{}",
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    }

    /// The export's query: the API's names, with the dates as milliseconds.
    fn export_href(&self, format: &str) -> String {
        let f = self.filter();
        let from = f.from.map(|t| t.to_string()).unwrap_or_default();
        let until = f.until.map(|t| t.to_string()).unwrap_or_default();
        let mut q = vec![("format", format), ("list", f.list.as_str())];
        q.extend(
            self.filters()
                .into_iter()
                .filter(|(k, _)| *k != "from" && *k != "until"),
        );
        q.extend([("from", from.as_str()), ("until", until.as_str())]);
        q.retain(|(_, v)| !v.is_empty());
        format!(
            "/api/v1/incidents/export?{}",
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    }
}

/// Nothing for a caller who may not read the thing at all, rather than a failed page: a grid
/// worker's filters need no department list to work.
pub fn or_nothing<T>(r: Result<Vec<T>, StoreError>) -> Result<Vec<T>, AppError> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::Forbidden) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// The grids a caller picks from: those they serve on, or else (centers) those of their scope,
/// as (id, "code name").
pub async fn caller_grids(
    state: &AppState,
    u: &PageUser,
) -> Result<Vec<(String, String)>, AppError> {
    let own = or_nothing(state.store.grids_of_user(&u.actor, &u.user.id).await)?;
    let mut out: Vec<(String, String)> = own
        .into_iter()
        .map(|(g, _)| {
            (
                g.grid.id.clone(),
                format!("{} {}", g.grid.code, g.grid.name),
            )
        })
        .collect();
    out.dedup_by(|a, b| a.0 == b.0);
    if out.is_empty() {
        let filter = GridFilter {
            limit: 500,
            ..GridFilter::default()
        };
        out = or_nothing(state.store.grids(&u.actor, &filter).await)?
            .into_iter()
            .map(|g| {
                (
                    g.grid.id.clone(),
                    format!("{} {} · {}", g.grid.code, g.grid.name, g.region_name),
                )
            })
            .collect();
    }
    Ok(out)
}

/// The departments serving the caller's area, as (id, name).
pub async fn caller_departments(
    state: &AppState,
    u: &PageUser,
) -> Result<Vec<(String, String)>, AppError> {
    let filter = DepartmentFilter {
        limit: 500,
        ..DepartmentFilter::default()
    };
    Ok(
        or_nothing(state.store.departments(&u.actor, &filter).await)?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
    )
}

/// The category tree as (code, indented name), in tree order.
pub async fn category_names(
    state: &AppState,
    u: &PageUser,
    include_inactive: bool,
) -> Result<Vec<(String, String, String)>, AppError> {
    let tree = or_nothing(state.store.category_tree(&u.actor, include_inactive).await)?;
    Ok(tree
        .into_iter()
        .map(|c| {
            let name = if u.lang == Lang::En && !c.name_en.is_empty() {
                c.name_en
            } else {
                c.name
            };
            let indent = "\u{3000}".repeat((c.level.max(1) - 1) as usize);
            (
                c.code,
                format!("{indent}{name}"),
                c.default_grade.as_str().to_owned(),
            )
        })
        .collect())
}

pub fn choices(pairs: &[(String, String)], selected: &str, any: &str) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: any.to_owned(),
        selected: selected.is_empty(),
    })
    .chain(pairs.iter().map(|(v, l)| Choice {
        value: v.clone(),
        label: l.clone(),
        selected: v == selected,
    }))
    .collect()
}

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let it = u.lang.incident_texts();
    let work_list = q.work_list();
    let found = state.store.incidents(&u.actor, &q.filter()).await?;
    let tree = category_names(&state, &u, true).await?;
    let names: HashMap<&str, &str> = tree
        .iter()
        .map(|(code, name, _)| (code.as_str(), name.trim_start_matches('\u{3000}')))
        .collect();
    let rows = found
        .items
        .iter()
        .map(|i| Row {
            href: format!("/incidents/{}/{}", i.county_code, i.id),
            number: i.number.clone(),
            title: i.title.clone(),
            category: names
                .get(i.category_code.as_str())
                .map_or_else(|| i.category_code.clone(), |n| (*n).to_owned()),
            grade: grade_label(u.lang, &i.grade),
            state: state_label(u.lang, &i.state),
            grid: i.grid_name.clone(),
            reported_at: time::minute(i.reported_at),
            shirking: i.shirking != 0,
            light: i
                .light
                .map(|l| (l.as_str(), u.lang.pick(l.label_zh(), l.label_en()))),
            due: i.due_at.map(time::minute).unwrap_or_default(),
            key: format!("{}/{}", i.county_code, i.id),
        })
        .collect();
    let listed = gridgov_core::incidents::is_center_role(u.actor.role).then(|| {
        let f = q.filter();
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        ListedForm {
            st: u.lang.supervision_texts(),
            filters: vec![
                ("list", work_list.as_str().to_owned()),
                ("state", f.state.clone()),
                ("category", f.category.clone()),
                ("grade", f.grade.clone()),
                ("source", f.source.clone()),
                ("department", f.department.clone()),
                ("grid", f.grid.clone()),
                ("region", f.region.clone()),
                ("resolution_level", f.resolution_level.clone()),
                ("from", opt(f.from)),
                ("until", opt(f.until)),
            ],
            colours: gridgov_core::supervision::CardColour::ALL
                .iter()
                .map(|c| Choice {
                    value: c.as_str().to_owned(),
                    label: u.lang.pick(c.label_zh(), c.label_en()).to_owned(),
                    selected: false,
                })
                .collect(),
        }
    });
    let total = if found.total_capped {
        format!("{}+", group(found.total))
    } else {
        group(found.total)
    };
    let tabs = WorkList::ALL
        .into_iter()
        .map(|l| Tab {
            href: q.href(l, ""),
            label: list_label(it, l),
            active: l == work_list,
        })
        .collect();
    let category_pairs: Vec<(String, String)> = tree
        .into_iter()
        .map(|(code, name, _)| (code, name))
        .collect();
    let here = q.href(work_list, &q.after);
    let page = ListPage {
        c: Chrome::build(&state, &u, "/incidents", &here).await,
        it,
        tabs,
        list: work_list.as_str(),
        rows,
        total,
        states: state_choices(u.lang, &q.state, Some(it.any)),
        categories: choices(&category_pairs, &q.category, it.any),
        grades: grade_choices(u.lang, &q.grade, Some(it.any)),
        sources: source_choices(u.lang, &q.source, Some(it.any)),
        departments: choices(
            &caller_departments(&state, &u).await?,
            &q.department,
            it.any,
        ),
        grids: choices(&caller_grids(&state, &u).await?, &q.grid, it.any),
        levels: level_choices(u.lang, &q.resolution_level, Some(it.any)),
        region: q.region.clone(),
        from: q.from.clone(),
        until: q.until.clone(),
        next_href: found.next.as_deref().map(|n| q.href(work_list, n)),
        first_href: (!q.after.is_empty()).then(|| q.href(work_list, "")),
        csv_href: q.export_href("csv"),
        xlsx_href: q.export_href("xlsx"),
        can_report: u.actor.can(gridgov_core::auth::Permission::ReportIncidents),
        listed,
    };
    Ok(render(&page))
}

/// A count with thousands separated: 10,000.
fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_with_thousands_separated() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(10_000), "10,000");
        assert_eq!(group(1_234_567), "1,234,567");
    }

    #[test]
    fn the_export_follows_the_filters_with_dates_in_milliseconds() {
        let q = ListQuery {
            list: "closed".into(),
            grade: "serious".into(),
            from: "2026-11-23".into(),
            until: "2026-11-23".into(),
            after: "1:x".into(),
            ..ListQuery::default()
        };
        let href = q.export_href("xlsx");
        assert!(href.starts_with("/api/v1/incidents/export?format=xlsx&list=closed"));
        assert!(href.contains("grade=serious"));
        assert!(href.contains("from=1795363200000"));
        assert!(href.contains("until=1795449600000"));
        assert!(!href.contains("after"), "an export is the whole list");
        assert_eq!(q.filter().until, Some(1_795_449_600_000));
    }
}
