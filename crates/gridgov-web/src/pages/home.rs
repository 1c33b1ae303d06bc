//! The home page: who I am, what my scope holds, and the latest activity I may see.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use gridgov_core::auth::Permission;

use super::audit::{AuditRow, rows as audit_rows};
use super::{Chrome, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub struct Stat {
    pub label: &'static str,
    pub value: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub c: Chrome,
    pub stats: Vec<Stat>,
    pub recent: Vec<AuditRow>,
    pub show_recent: bool,
}

pub async fn page(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    let t = u.lang.texts();
    // Counting every level of the whole country scans the table; a whole-country user gets the
    // provinces instead, which the parent index answers at once.
    let stats = if u.actor.scope.is_root() {
        let provinces = state.store.region_children(&u.actor, None).await?;
        vec![Stat {
            label: t.level(1),
            value: provinces.len() as i64,
        }]
    } else {
        state
            .store
            .region_counts(&u.actor)
            .await?
            .into_iter()
            .map(|(level, n)| Stat {
                label: t.level(level),
                value: n,
            })
            .collect()
    };
    let show_recent = u.actor.can(Permission::ViewAudit);
    let recent = if show_recent {
        audit_rows(
            &state,
            &u,
            &state.store.list_audit(&u.actor, 8, None).await?,
        )
        .await?
    } else {
        Vec::new()
    };
    let page = HomePage {
        c: Chrome::build(&state, &u, "/", "/").await,
        stats,
        recent,
        show_recent,
    };
    Ok(render(&page))
}
