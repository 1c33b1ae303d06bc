//! The supervision desk (`/supervision`): every card in the caller's scope by view, colour and
//! state, with counts of replies due, overdue and answered; a card's page with its record and a
//! form per action open to the caller; and listed supervision (挂牌督办) posted from the work
//! list. Thin: the store scopes, decides and records.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::supervision::{CardAction, CardColour, CardState};
use gridgov_store::StoreError;
use gridgov_store::incidents::{IncidentFilter, WorkList};
use gridgov_store::supervision::{CardActionInput, CardView, DeskFilter, DeskView, ListedInput};
use serde::Deserialize;

use super::grids::form_errors;
use super::incident_labels::Choice;
use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::{Lang, SupervisionTexts};

/// A colour's label and CSS class.
pub fn colour_label(lang: Lang, code: &str) -> String {
    CardColour::parse("colour", code)
        .map(|c| lang.pick(c.label_zh(), c.label_en()).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

pub fn card_state_label(lang: Lang, code: &str) -> String {
    CardState::parse("state", code)
        .map(|c| lang.pick(c.label_zh(), c.label_en()).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// A card as a row of a table.
pub struct CardRow {
    pub href: String,
    pub colour: String,
    pub colour_code: String,
    pub state: String,
    pub addressee: String,
    pub due: String,
    pub overdue: bool,
    pub incident: String,
    pub incident_href: String,
}

impl CardRow {
    pub fn of(lang: Lang, c: &CardView, incident: String) -> CardRow {
        CardRow {
            href: format!("/supervision/cards/{}/{}", c.county_code, c.id),
            colour: colour_label(lang, &c.colour),
            colour_code: c.colour.clone(),
            state: card_state_label(lang, &c.state),
            addressee: c.addressee_name.clone(),
            due: time::minute(c.due_at),
            overdue: c.overdue,
            incident,
            incident_href: format!("/incidents/{}/{}", c.county_code, c.incident_id),
        }
    }
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "supervision_desk.html")]
pub struct DeskPage {
    pub c: Chrome,
    pub st: &'static SupervisionTexts,
    pub tabs: Vec<Tab>,
    pub view: &'static str,
    pub colours: Vec<Choice>,
    pub states: Vec<Choice>,
    pub rows: Vec<CardRow>,
    pub notice: Option<String>,
}

fn select<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
    selected: &str,
    any: &str,
) -> Vec<Choice> {
    std::iter::once(Choice {
        value: String::new(),
        label: any.to_owned(),
        selected: selected.is_empty(),
    })
    .chain(all.iter().map(|v| Choice {
        value: code(*v).to_owned(),
        label: label(*v),
        selected: code(*v) == selected,
    }))
    .collect()
}

/// The count a listed supervision sends back, shown above the desk.
#[derive(Deserialize, Default)]
pub struct ListedCount {
    listed: Option<usize>,
}

pub async fn desk(
    State(state): State<AppState>,
    u: PageUser,
    Query(f): Query<DeskFilter>,
    Query(n): Query<ListedCount>,
) -> Result<Response, AppError> {
    let lang = u.lang;
    let st = lang.supervision_texts();
    let notice = n
        .listed
        .map(|n| format!("{}：{n} {}", st.listed_done, st.listed_unit));
    let desk = state.store.supervision_desk(&u.actor, &f).await?;
    let n = &desk.counts;
    let tabs = DeskView::ALL
        .iter()
        .map(|v| {
            let (label, count) = match v {
                DeskView::All => (st.view_all, None),
                DeskView::ToReply => (st.view_to_reply, Some(n.to_reply)),
                DeskView::Due => (st.view_due, Some(n.due)),
                DeskView::Overdue => (st.view_overdue, Some(n.overdue)),
                DeskView::Answered => (st.view_answered, Some(n.answered)),
            };
            Tab {
                href: format!("/supervision?view={}", v.as_str()),
                label: match count {
                    Some(c) => format!("{label} ({c})"),
                    None => label.to_owned(),
                },
                active: *v == f.view,
            }
        })
        .collect();
    let rows = desk
        .cards
        .iter()
        .map(|x| {
            CardRow::of(
                lang,
                &x.card,
                format!("{} {}", x.incident_number, x.incident_title),
            )
        })
        .collect();
    let page = DeskPage {
        c: Chrome::build(&state, &u, "/supervision", "/supervision").await,
        st,
        tabs,
        view: f.view.as_str(),
        colours: select(
            CardColour::ALL,
            CardColour::as_str,
            |c| lang.pick(c.label_zh(), c.label_en()).to_owned(),
            f.colour.trim(),
            st.any,
        ),
        states: select(
            CardState::ALL,
            CardState::as_str,
            |c| lang.pick(c.label_zh(), c.label_en()).to_owned(),
            f.state.trim(),
            st.any,
        ),
        rows,
        notice,
    };
    Ok(render(&page))
}

/// One form of a card action.
pub struct CardForm {
    pub code: &'static str,
    pub label: String,
    /// The text field's label, and whether it must be filled.
    pub text_label: &'static str,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "supervision_card.html")]
pub struct CardPageView {
    pub c: Chrome,
    pub st: &'static SupervisionTexts,
    pub card: CardView,
    pub row: CardRow,
    pub issued_at: String,
    pub replied_at: String,
    pub timeline: Vec<(String, String, String, String)>,
    pub forms: Vec<CardForm>,
    pub action_path: String,
    pub notice: Option<(bool, String)>,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

async fn card_page(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    notice: Option<(bool, String)>,
) -> Result<CardPageView, AppError> {
    let lang = u.lang;
    let st = lang.supervision_texts();
    let p = state.store.supervision_card(&u.actor, county, id).await?;
    let forms = p
        .allowed
        .iter()
        .filter_map(|a| CardAction::parse("action", a).ok())
        .map(|a| {
            let (text_label, required) = match a {
                CardAction::Reply => (st.text_reply, true),
                CardAction::SendBack => (st.text_reason, true),
                CardAction::Accept | CardAction::Close => (st.text_note, false),
            };
            CardForm {
                code: a.as_str(),
                label: lang.pick(a.label_zh(), a.label_en()).to_owned(),
                text_label,
                required,
            }
        })
        .collect();
    let timeline = p
        .timeline
        .iter()
        .map(|e| {
            let action = e.action.trim_start_matches("supervision.");
            let label = CardAction::parse("action", action)
                .map(|a| lang.pick(a.label_zh(), a.label_en()).to_owned())
                .unwrap_or_else(|_| st.issue_card.to_owned());
            let text = ["text", "note"]
                .iter()
                .find_map(|k| e.event.get(*k).and_then(|v| v.as_str()))
                .unwrap_or_default()
                .to_owned();
            (time::minute(e.at), e.actor_name.clone(), label, text)
        })
        .collect();
    Ok(CardPageView {
        c: Chrome::build(
            state,
            u,
            "/supervision",
            &format!("/supervision/cards/{county}/{id}"),
        )
        .await,
        st,
        row: CardRow::of(
            lang,
            &p.card,
            format!("{} {}", p.incident.number, p.incident.title),
        ),
        issued_at: time::minute(p.card.created_at),
        replied_at: p.card.replied_at.map(time::minute).unwrap_or_default(),
        timeline,
        forms,
        action_path: format!("/supervision/cards/{county}/{id}/actions"),
        notice,
        card: p.card,
    })
}

pub async fn card(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Query(d): Query<Done>,
) -> Result<Response, AppError> {
    let st = u.lang.supervision_texts();
    let notice = d.done.map(|_| (true, st.done.to_owned()));
    Ok(render(&card_page(&state, &u, &county, &id, notice).await?))
}

#[derive(Deserialize)]
pub struct CardActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
}

pub async fn act_on_card(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<CardActionForm>,
) -> Result<Response, AppError> {
    let input = CardActionInput {
        action: f.action,
        // A version that is not a number is stale by definition: the store says so.
        version: f.version.parse().unwrap_or(-1),
        text: f.text,
    };
    let (status, text) = match state
        .store
        .act_on_card(&u.actor, &county, &id, &input)
        .await
    {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/supervision/cards/{county}/{id}?done=1")).into_response(),
            );
        }
        Err(e) => refusal_text(u.lang, e)?,
    };
    let page = card_page(&state, &u, &county, &id, Some((false, text))).await?;
    let mut r = render(&page);
    *r.status_mut() = status;
    Ok(r)
}

/// A refusal as a page says it, with its status: 409 or 403 for a refused action, 422 for
/// field errors; anything else is the error renderer's.
pub fn refusal_text(lang: Lang, e: StoreError) -> Result<(StatusCode, String), AppError> {
    let st = lang.supervision_texts();
    Ok(match e {
        StoreError::Refused(r) => {
            let status = if r.is_conflict() {
                StatusCode::CONFLICT
            } else {
                StatusCode::FORBIDDEN
            };
            (
                status,
                format!("{}：{}", st.refused, lang.pick(&r.zh, &r.en)),
            )
        }
        other => {
            let errors = form_errors(other)?;
            let text = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", e.field, lang.pick(&e.zh, &e.en)))
                .collect::<Vec<_>>()
                .join("；");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{}：{text}", st.refused),
            )
        }
    })
}

/// Listed supervision as the work list posts it: the ticked incidents (the repeated field
/// `incidents`, which a plain form decoder does not collect), or else the list's filters.
pub async fn listed(
    State(state): State<AppState>,
    u: PageUser,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let mut input = ListedInput::default();
    let mut filter = IncidentFilter::default();
    for (k, v) in url::form_urlencoded::parse(&body) {
        let v = v.into_owned();
        match k.as_ref() {
            "incidents" => input.incidents.push(v),
            "colour" => input.colour = v,
            "due_days" => input.due_days = v,
            "due_date" => input.due_date = v,
            "note" => input.note = v,
            "list" => {
                filter.list = serde_json::from_value(serde_json::Value::String(v))
                    .unwrap_or(WorkList::default());
            }
            "state" => filter.state = v,
            "category" => filter.category = v,
            "grade" => filter.grade = v,
            "source" => filter.source = v,
            "department" => filter.department = v,
            "grid" => filter.grid = v,
            "region" => filter.region = v,
            "resolution_level" => filter.resolution_level = v,
            "from" => filter.from = v.parse().ok(),
            "until" => filter.until = v.parse().ok(),
            _ => {}
        }
    }
    if input.incidents.is_empty() {
        input.filter = Some(filter);
    }
    // Refusals take the one error path: a page naming each field at fault (422), or 403/409.
    let cards = state.store.issue_listed(&u.actor, &input).await?;
    Ok(Redirect::to(&format!("/supervision?view=due&listed={}", cards.len())).into_response())
}
