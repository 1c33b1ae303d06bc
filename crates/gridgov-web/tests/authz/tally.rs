//! Counting what the matrix tried and what came back, for the printed summary and for the floor
//! that proves the allowed requests reached real work rather than errors.

use axum::http::StatusCode;

use super::judge::Caller;
use crate::support::Reply;

#[derive(Debug, Default)]
pub struct Tally {
    pub routes: usize,
    pub roles: usize,
    /// Requests by members, per side.
    pub inside: usize,
    pub outside: usize,
    pub anonymous: usize,
    pub public: usize,
    pub ok: usize,
    pub redirect: usize,
    pub forbidden: usize,
    pub not_found: usize,
    pub other: usize,
    /// Requests of an allowed member inside the scope, and how many of them did the work.
    pub allowed_inside: usize,
    pub done: usize,
}

impl Tally {
    pub fn add(&mut self, caller: Caller, inside: bool, r: &Reply) {
        match caller {
            Caller::Anonymous => self.anonymous += 1,
            Caller::Public => self.public += 1,
            _ if inside => self.inside += 1,
            _ => self.outside += 1,
        }
        match r.status {
            s if s.is_success() => self.ok += 1,
            s if s.is_redirection() => self.redirect += 1,
            StatusCode::FORBIDDEN => self.forbidden += 1,
            StatusCode::NOT_FOUND => self.not_found += 1,
            _ => self.other += 1,
        }
        if caller == Caller::Allowed && inside {
            self.allowed_inside += 1;
            // A desk form that worked, or a page that sends the caller on (the region browser
            // to their own region), answers with a redirect; only a lost session would send a
            // member back to the login form with the page to return to.
            let sent_on = r.status.is_redirection() && !r.location().contains("next=");
            if r.status.is_success() || sent_on {
                self.done += 1;
            }
        }
    }

    pub fn total(&self) -> usize {
        self.inside + self.outside + self.anonymous + self.public
    }

    /// Per cent of the allowed requests inside the scope that did the work.
    pub fn done_pct(&self) -> f64 {
        100.0 * self.done as f64 / self.allowed_inside.max(1) as f64
    }

    pub fn summary(&self, backend: &str) -> String {
        format!(
            "authorization matrix on {backend}: {routes} routes × {roles} roles × \
             (inside, outside the scope)\n\
             \x20 requests: {total} (members inside {inside}, outside {outside}; \
             without a login {anon}; public routes {public})\n\
             \x20 answers: 2xx {ok}, 3xx {redirect}, 403 {forbidden}, 404 {not_found}, \
             other {other}\n\
             \x20 allowed inside the scope: {allowed}, did the work (2xx, or sent on by a redirect): \
             {done} ({pct:.0}%)",
            routes = self.routes,
            roles = self.roles,
            total = self.total(),
            inside = self.inside,
            outside = self.outside,
            anon = self.anonymous,
            public = self.public,
            ok = self.ok,
            redirect = self.redirect,
            forbidden = self.forbidden,
            not_found = self.not_found,
            other = self.other,
            allowed = self.allowed_inside,
            done = self.done,
            pct = self.done_pct(),
        )
    }
}
