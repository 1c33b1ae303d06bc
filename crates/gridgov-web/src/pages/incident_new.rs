//! The report form (`/incidents/new`): what happened, its category and grade, where (a grid of
//! the caller's, or a point clicked on the map of their grids), the parties and photos. Files
//! are stored first as the caller's pending uploads; when the report is refused for another
//! field they stay attached to the form (hidden ids), so they are not sent twice. A refused file
//! refuses the form with its reason and nothing of the upload is kept.

use askama::Template;
use axum::Extension;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;
use gridgov_geo::svg::{self, MapOptions, MapShape};
use gridgov_store::StoreError;
use gridgov_store::attachments::{OwnerKind, Placement};
use gridgov_store::incidents::{PartyInput, ReportInput};
use tower_http::limit::RequestBodyLimitLayer;

use super::grids::{form_errors, unprocessable};
use super::incident_form::{self, Posted};
use super::incident_labels::{Choice, grade_choices, source_choices};
use super::incidents::{caller_grids, category_names, choices};
use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::auth::csrf::Deferred;
use crate::error::AppError;
use crate::i18n::IncidentTexts;
use crate::routes::{Routes, Verb};

/// One upload of the desk: the store's own limit of an upload (50 MiB) and room for the fields.
pub const UPLOAD_LIMIT: usize = 52 * 1024 * 1024;

/// Party rows the form offers.
const PARTY_ROWS: usize = 3;

/// Above this many grids the map is left out (a county's worth would be megabytes); the select
/// still works.
const MAP_MAX_GRIDS: usize = 1_000;

/// The routes that take files from the desk, each with the upload limit instead of the global
/// one: the report form and the incident page's actions.
pub fn upload_router() -> Routes {
    let limit = |m: axum::routing::MethodRouter<AppState>| {
        m.layer((
            DefaultBodyLimit::max(UPLOAD_LIMIT),
            RequestBodyLimitLayer::new(UPLOAD_LIMIT),
        ))
    };
    Routes::new()
        .with(Verb::Post, "/incidents/new", create, limit)
        .with(
            Verb::Post,
            "/incidents/{county}/{id}/actions",
            super::incident_page::act,
            limit,
        )
}

pub struct PartyRow {
    pub id_card_no: String,
    pub name: String,
    pub side: String,
}

/// A pending upload carried by the form.
pub struct Carried {
    pub id: String,
    pub file_name: String,
}

#[derive(Template)]
#[template(path = "incident_new.html")]
pub struct NewPage {
    pub c: Chrome,
    pub it: &'static IncidentTexts,
    pub title: String,
    pub description: String,
    pub categories: Vec<Choice>,
    /// `code:grade` pairs, for the script that fills in a category's default grade.
    pub category_grades: String,
    pub grades: Vec<Choice>,
    pub sources: Vec<Choice>,
    pub occurred_at: String,
    pub grids: Vec<Choice>,
    pub lng: String,
    pub lat: String,
    pub address: String,
    pub parties: Vec<PartyRow>,
    pub carried: Vec<Carried>,
    pub map: Option<String>,
    /// The idempotency key: a form sent twice (a double click, a retry) makes one incident.
    pub key: String,
    pub errors: FormErrors,
}

impl NewPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(
            self.c.lang,
            &[
                "title",
                "description",
                "category",
                "grade",
                "source",
                "occurred_at",
                "grid_id",
                "lng",
                "lat",
                "crs",
                "address",
                "parties",
                "attachments",
            ],
        )
    }
}

fn need_report(u: &PageUser) -> Result<(), AppError> {
    if u.actor.can(Permission::ReportIncidents) {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
    }
}

pub async fn new_form(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    need_report(&u)?;
    let page = build(
        &state,
        &u,
        Posted::default(),
        Vec::new(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page))
}

async fn build(
    state: &AppState,
    u: &PageUser,
    p: Posted,
    carried: Vec<Carried>,
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    let it = u.lang.incident_texts();
    let tree = category_names(state, u, false).await?;
    let category_grades = tree
        .iter()
        .map(|(code, _, grade)| format!("{code}:{grade}"))
        .collect::<Vec<_>>()
        .join(" ");
    let pairs: Vec<(String, String)> = tree
        .into_iter()
        .map(|(code, name, _)| (code, name))
        .collect();
    let grids = caller_grids(state, u).await?;
    let (ids, names, sides) = (
        p.column("party_id_card_no"),
        p.column("party_name"),
        p.column("party_side"),
    );
    let parties = (0..PARTY_ROWS)
        .map(|i| PartyRow {
            id_card_no: ids.get(i).cloned().unwrap_or_default(),
            name: names.get(i).cloned().unwrap_or_default(),
            side: sides.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let key = match p.get("key") {
        k if k.is_empty() => uuid::Uuid::now_v7().to_string(),
        k => k,
    };
    Ok(NewPage {
        c: Chrome::build(state, u, "/incidents", "/incidents/new").await,
        it,
        title: p.get("title"),
        description: p.get("description"),
        categories: choices(&pairs, &p.get("category"), it.choose),
        category_grades,
        grades: grade_choices(u.lang, &p.get("grade"), Some(it.any)),
        sources: source_choices(u.lang, &p.get("source"), Some(it.any)),
        occurred_at: p.get("occurred_at"),
        grids: choices(&grids, &p.get("grid_id"), it.choose),
        lng: p.get("lng"),
        lat: p.get("lat"),
        address: p.get("address"),
        parties,
        carried,
        map: pick_map(state, u).await?,
        key,
        errors,
    })
}

/// The caller's grids drawn for picking a point: no links (a click places the point), and the
/// projection written on the SVG for the script.
async fn pick_map(state: &AppState, u: &PageUser) -> Result<Option<String>, AppError> {
    let view = match state.store.network_view(&u.actor, None).await {
        Ok(v) => v,
        Err(StoreError::Forbidden) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if view.is_empty() || view.len() > MAP_MAX_GRIDS {
        return Ok(None);
    }
    let aria = u.lang.incident_texts().map_pick.to_owned();
    let drawn = gridgov_store::cpu::run(move |_| {
        let shapes: Vec<MapShape> = view
            .iter()
            .map(|s| MapShape {
                shape: &s.shape,
                label: "",
                title: "",
                href: None,
                class: "k-comprehensive",
            })
            .collect();
        svg::render(
            &shapes,
            &MapOptions {
                width: 800,
                height: 480,
                outlines: &[],
                aria_label: &aria,
            },
        )
    })
    .await?;
    Ok(Some(drawn))
}

fn number(field: &str, v: &str) -> Result<Option<f64>, FieldError> {
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<f64>().map(Some).map_err(|_| {
        FieldError::new(
            field,
            "not_a_number",
            format!("应为十进制度数，如 115.0383，实为 {v}"),
            format!("decimal degrees such as 115.0383, not {v}"),
        )
    })
}

/// The report as the store takes it, or the fields the form itself could not read.
fn report_input(p: &Posted, attachments: Vec<String>) -> Result<ReportInput, Vec<FieldError>> {
    let mut faults = Vec::new();
    let lng = number("lng", &p.get("lng")).unwrap_or_else(|e| {
        faults.push(e);
        None
    });
    let lat = number("lat", &p.get("lat")).unwrap_or_else(|e| {
        faults.push(e);
        None
    });
    let occurred = p.get("occurred_at");
    let occurred_at = if occurred.is_empty() {
        None
    } else {
        let t = time::parse_minute(&occurred);
        if t.is_none() {
            faults.push(FieldError::new(
                "occurred_at",
                "bad_time",
                "时间格式应为 2026-11-23T08:00",
                "the time reads like 2026-11-23T08:00",
            ));
        }
        t
    };
    let (ids, names, sides) = (
        p.column("party_id_card_no"),
        p.column("party_name"),
        p.column("party_side"),
    );
    let parties = (0..ids.len().max(names.len()))
        .map(|i| PartyInput {
            id_card_no: ids.get(i).cloned().unwrap_or_default(),
            name: names.get(i).cloned().unwrap_or_default(),
            side: sides.get(i).cloned().unwrap_or_default(),
            note: String::new(),
        })
        .filter(|x| !x.id_card_no.is_empty() || !x.name.is_empty())
        .collect();
    if !faults.is_empty() {
        return Err(faults);
    }
    Ok(ReportInput {
        title: p.get("title"),
        description: p.get("description"),
        category: p.get("category"),
        grade: p.get("grade"),
        source: p.get("source"),
        occurred_at,
        lng,
        lat,
        crs: String::new(),
        grid_id: p.get("grid_id"),
        address: p.get("address"),
        parties,
        attachments,
    })
}

/// Stores the files of a form as the caller's pending uploads, and gives every pending upload
/// the form carries (those kept from an earlier attempt first) with the refusals of the files,
/// if any (then none of them is kept).
pub async fn pending_uploads(
    state: &AppState,
    u: &PageUser,
    p: &mut Posted,
) -> Result<(Vec<Carried>, FormErrors), AppError> {
    let mut carried = Vec::new();
    for id in p.all("attachments") {
        // Only the caller's own uploads are found; anything else the store refuses on attaching.
        if let Ok(a) = state.store.attachment(&u.actor, &id).await {
            carried.push(Carried {
                id: a.id,
                file_name: a.file_name,
            });
        }
    }
    let files = std::mem::take(&mut p.files);
    if files.is_empty() {
        return Ok((carried, FormErrors::default()));
    }
    match state
        .store
        .store_attachments(&u.actor, &Placement::Pending(OwnerKind::Incident), files)
        .await
    {
        Ok(stored) => {
            carried.extend(stored.into_iter().map(|a| Carried {
                id: a.id,
                file_name: a.file_name,
            }));
            Ok((carried, FormErrors::default()))
        }
        Err(e) => Ok((carried, form_errors(e)?)),
    }
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    deferred: Option<Extension<Deferred>>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut p = match incident_form::read(deferred.as_ref().map(|d| &d.0), multipart).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    need_report(&u)?;
    let (carried, refused) = pending_uploads(&state, &u, &mut p).await?;
    if !refused.is_empty() {
        let page = build(&state, &u, p, carried, refused).await?;
        return Ok(unprocessable(render(&page)));
    }
    let ids = carried.iter().map(|c| c.id.clone()).collect();
    let input = match report_input(&p, ids) {
        Ok(i) => i,
        Err(faults) => {
            let page = build(&state, &u, p, carried, FormErrors(faults)).await?;
            return Ok(unprocessable(render(&page)));
        }
    };
    let key = p.get("key");
    let key = (!key.is_empty()).then_some(key.as_str());
    match state.store.report_incident(&u.actor, &input, key).await {
        Ok(i) => Ok(Redirect::to(&format!(
            "/incidents/{}/{}?done=reported",
            i.county_code, i.id
        ))
        .into_response()),
        Err(e) => {
            let errors = form_errors(e)?;
            let page = build(&state, &u, p, carried, errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(fields: &[(&str, &str)]) -> Posted {
        Posted {
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            files: Vec::new(),
        }
    }

    #[test]
    fn the_form_reads_into_a_report() {
        let p = posted(&[
            ("title", " 路灯不亮 "),
            ("category", "06"),
            ("lng", "115.005"),
            ("lat", "30.205"),
            ("occurred_at", "2026-11-23T08:00"),
            ("party_id_card_no", ""),
            ("party_name", "李阿姨"),
            ("party_side", "反映人"),
            ("party_id_card_no", ""),
            ("party_name", ""),
            ("party_side", ""),
        ]);
        let r = report_input(&p, vec!["a1".into()]).unwrap();
        assert_eq!(r.title, "路灯不亮");
        assert_eq!(r.lng, Some(115.005));
        assert_eq!(r.occurred_at, Some(1_795_392_000_000));
        assert_eq!(r.parties.len(), 1, "empty rows are no parties");
        assert_eq!(r.parties[0].name, "李阿姨");
        assert_eq!(r.attachments, vec!["a1"]);
    }

    #[test]
    fn numbers_and_times_the_form_cannot_read_name_their_fields() {
        let p = posted(&[("lng", "east"), ("occurred_at", "noon")]);
        let faults = report_input(&p, Vec::new()).unwrap_err();
        let fields: Vec<&str> = faults.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["lng", "occurred_at"]);
    }
}
