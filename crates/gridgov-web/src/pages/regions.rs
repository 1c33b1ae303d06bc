//! The region browser: from the user's scope down to a village, each level with its children
//! and their child counts.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::regions::{RegionCode, gb_form};
use gridgov_store::regions::{Region, RegionWithCount};

use super::{Chrome, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Texts;

pub struct Crumb {
    pub href: String,
    pub name: String,
}

pub struct ChildRow {
    pub href: String,
    pub gb_code: String,
    pub name: String,
    pub level: &'static str,
    pub child_count: i64,
}

pub struct Current {
    pub gb_code: String,
    pub level: &'static str,
    pub source: String,
}

#[derive(Template)]
#[template(path = "regions.html")]
pub struct RegionsPage {
    pub c: Chrome,
    pub title: String,
    pub current: Option<Current>,
    pub trail: Vec<Crumb>,
    pub children: Vec<ChildRow>,
    pub child_level: &'static str,
    /// The region's settings page, for those who may see settings.
    pub settings_href: Option<String>,
    pub settings_label: &'static str,
}

fn rows(t: &Texts, children: Vec<RegionWithCount>) -> Vec<ChildRow> {
    children
        .into_iter()
        .map(|r| ChildRow {
            href: format!("/regions/{}", r.code),
            gb_code: gb_form(&r.code),
            level: t.level(r.level),
            name: r.name,
            child_count: r.child_count,
        })
        .collect()
}

/// `/regions`: the provinces for a whole-country user, otherwise the user's own region.
pub async fn root(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    if let Some(code) = &u.user.scope_code {
        return Ok(Redirect::to(&format!("/regions/{code}")).into_response());
    }
    let t = u.lang.texts();
    let children = state.store.region_children(&u.actor, None).await?;
    let page = RegionsPage {
        c: Chrome::build(&state, &u, "/regions", "/regions").await,
        title: t.whole_country.to_owned(),
        current: None,
        trail: Vec::new(),
        child_level: t.level(1),
        children: rows(t, children),
        settings_href: None,
        settings_label: u.lang.settings_texts().nav_settings,
    };
    Ok(render(&page))
}

/// `/regions/{code}`: one region inside the user's scope.
pub async fn show(
    State(state): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let region: Region = state.store.resolve_region(&u.actor, "code", &code).await?;
    if region.code != code {
        return Ok(Redirect::to(&format!("/regions/{}", region.code)).into_response());
    }
    let parsed = RegionCode::parse("code", &region.code)?;
    let (trail, children) = tokio::try_join!(
        state.store.region_trail(&u.actor, &region.path),
        state.store.region_children(&u.actor, Some(&parsed)),
    )?;
    let mut crumbs = Vec::new();
    if u.user.scope_code.is_none() {
        crumbs.push(Crumb {
            href: "/regions".into(),
            name: t.whole_country.into(),
        });
    }
    // The trail ends with the region itself, which the page names after the crumbs.
    crumbs.extend(
        trail
            .into_iter()
            .filter(|r| r.code != region.code)
            .map(|r| Crumb {
                href: format!("/regions/{}", r.code),
                name: r.name,
            }),
    );
    let here = format!("/regions/{}", region.code);
    let page = RegionsPage {
        c: Chrome::build(&state, &u, "/regions", &here).await,
        current: Some(Current {
            gb_code: parsed.gb_code(),
            level: t.level(region.level),
            source: region.source.clone(),
        }),
        title: region.name,
        trail: crumbs,
        child_level: t.level(region.level + 1),
        children: rows(t, children),
        settings_href: u
            .actor
            .can(gridgov_core::auth::Permission::ViewSettings)
            .then(|| format!("/regions/{}/settings", region.code)),
        settings_label: u.lang.settings_texts().nav_settings,
    };
    Ok(render(&page))
}
