//! The desk UI: server-rendered pages (askama) around one frame, [`Chrome`], that carries the
//! navigation for the user's role, the language switch and the logout form.

pub mod account;
pub mod attachment_files;
pub mod audit;
pub mod base_drill;
pub mod base_import;
pub mod base_labels;
pub mod bridge_pushes;
pub mod bridges;
pub mod categories;
pub mod category_page;
pub mod dead_letters;
pub mod department_page;
pub mod departments;
pub mod error;
pub mod grid_bulk;
pub mod grid_card;
pub mod grid_edit;
pub mod grid_map;
pub mod grid_micro;
pub mod grid_page;
pub mod grid_staff;
pub mod grids;
pub mod home;
pub mod import_job;
pub mod inbox;
mod incident_escalation;
pub mod incident_form;
pub mod incident_labels;
pub mod incident_new;
pub mod incident_page;
mod incident_suggestion;
pub mod incidents;
pub mod jobs;
pub mod lang;
pub mod open311;
pub mod people;
pub mod person_page;
pub mod population;
pub mod qr;
pub mod regions;
pub mod settings;
pub mod supervision;
pub mod supervision_incident;
pub mod templates;
pub mod time;
pub mod upload_spool;
pub mod users;
pub mod verify;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;

use crate::app::AppState;
use crate::auth::PageUser;
use crate::i18n::{Lang, Texts};

/// Renders a template, or logs and answers 500 when rendering fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub icon: &'static str,
    pub active: bool,
}

/// What every page of the desk UI shows around its content.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: Lang,
    pub user_name: String,
    pub username: String,
    pub role_label: &'static str,
    pub scope_label: String,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub lang_href: String,
    pub lang_label: &'static str,
    pub year: i32,
    /// The caller's unread notices for the header ("" when none, "99+" beyond 99).
    pub unread: String,
}

impl Chrome {
    /// Builds the frame for a page; `active` is the href of the current section, `here` the
    /// current path (where the language switch returns to).
    pub async fn build(state: &AppState, u: &PageUser, active: &str, here: &str) -> Chrome {
        let t = u.lang.texts();
        let items: [(&'static str, &'static str, &'static str, Option<Permission>); 17] = [
            ("/", t.nav_home, "home", None),
            ("/inbox", t.nav_inbox, "log", None),
            (
                "/incidents",
                u.lang.incident_texts().nav_incidents,
                "log",
                Some(Permission::ViewIncidents),
            ),
            (
                "/supervision",
                u.lang.supervision_texts().nav_supervision,
                "check",
                Some(Permission::ViewIncidents),
            ),
            (
                "/regions",
                t.nav_regions,
                "map",
                Some(Permission::ViewRegions),
            ),
            ("/grids", t.nav_grids, "grid", Some(Permission::ViewGrids)),
            (
                "/people",
                t.nav_people,
                "users",
                Some(Permission::ViewBaseData),
            ),
            (
                "/admin/users",
                t.nav_users,
                "users",
                Some(Permission::ViewUsers),
            ),
            (
                "/departments",
                t.nav_departments,
                "dept",
                Some(Permission::ViewDepartments),
            ),
            (
                "/categories",
                t.nav_categories,
                "tree",
                Some(Permission::ViewCategories),
            ),
            (
                "/verification",
                t.nav_verify,
                "check",
                Some(Permission::VerifyRecords),
            ),
            ("/audit", t.nav_audit, "log", Some(Permission::ViewAudit)),
            (
                "/admin/jobs",
                t.nav_jobs,
                "log",
                Some(Permission::ManageJobs),
            ),
            (
                "/admin/notices",
                t.nav_dead_letters,
                "log",
                Some(Permission::ManageJobs),
            ),
            (
                "/admin/open311",
                u.lang.pick("Open311 接口", "Open311"),
                "key",
                Some(Permission::ManageSettings),
            ),
            (
                "/admin/bridges",
                u.lang.pick("12345/110 对接", "12345/110 bridges"),
                "log",
                Some(Permission::ManageJobs),
            ),
            ("/account", t.nav_account, "key", None),
        ];
        let nav = items
            .into_iter()
            .filter(|(_, _, _, p)| p.is_none_or(|p| u.actor.can(p)))
            .map(|(href, label, icon, _)| NavItem {
                href,
                label,
                icon,
                active: href == active,
            })
            .collect();
        let scope_label = scope_label(state, u).await;
        // One read of an index; a page still renders when it fails.
        let unread = match state.store.unread_notices(&u.actor).await {
            Ok(0) | Err(_) => String::new(),
            Ok(n) if n > 99 => "99+".to_owned(),
            Ok(n) => n.to_string(),
        };
        let (other, other_label) = u.lang.other();
        let back = serde_urlencoded::to_string([("back", here)]).unwrap_or_default();
        Chrome {
            t,
            lang: u.lang,
            user_name: u.user.display_name.clone(),
            username: u.user.username.clone(),
            role_label: u.lang.pick(u.user.role.zh(), u.user.role.en()),
            scope_label,
            nav,
            csrf: u.csrf.clone(),
            lang_href: format!("/lang/{other}?{back}"),
            lang_label: other_label,
            year: time::year(state.store.now_ms()),
            unread,
        }
    }
}

/// The user's scope as people say it: "黄石市 (420200)", or the whole country.
async fn scope_label(state: &AppState, u: &PageUser) -> String {
    let t = u.lang.texts();
    let Some(code) = &u.user.scope_code else {
        return t.whole_country.to_owned();
    };
    match gridgov_core::regions::RegionCode::parse("scope", code) {
        Ok(c) => match state.store.region(&u.actor, &c).await {
            Ok(r) => format!("{} ({})", r.name, c.gb_code()),
            Err(_) => code.clone(),
        },
        Err(_) => code.clone(),
    }
}

/// Field errors of a form, looked up by field name in templates.
#[derive(Default)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    pub fn get(&self, lang: Lang, field: &str) -> Option<String> {
        let msgs: Vec<&str> = self
            .0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| lang.pick(&e.zh, &e.en))
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("；"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Messages of errors on fields the form does not show.
    pub fn others(&self, lang: Lang, shown: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| lang.pick(&e.zh, &e.en).to_owned())
            .collect()
    }
}
