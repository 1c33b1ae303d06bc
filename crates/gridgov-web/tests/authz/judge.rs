//! The rules each answer is held to. A rule broken is a fault naming the route, the role, the
//! side and what came back; the matrix collects them all before failing.

use axum::http::StatusCode;

use super::case::{Access, Case, Outside};
use crate::support::Reply;

/// Who sent a request, for judging and counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// A member whose role holds what the route needs.
    Allowed,
    /// A member whose role does not.
    Refused,
    /// Nobody signed in.
    Anonymous,
    /// Nobody signed in, on a public route.
    Public,
}

/// What was asked, for the rules.
pub struct Asked<'a> {
    pub case: &'a Case,
    pub caller: Caller,
    pub inside: bool,
    /// What must never come back to a caller of district A.
    pub markers: &'a [String],
    /// The request as sent: what it names itself may come back (a search box shows its text).
    pub sent: String,
}

fn leaked<'a>(r: &Reply, a: &Asked<'a>) -> Option<&'a str> {
    a.markers
        .iter()
        .filter(|m| !a.sent.contains(m.as_str()))
        .find(|m| r.body.contains(m.as_str()) || r.location().contains(m.as_str()))
        .map(String::as_str)
}

/// The faults of one answer (none when it keeps every rule).
pub fn faults(a: &Asked, r: &Reply) -> Vec<String> {
    let s = r.status;
    let mut f = Vec::new();
    if s.is_server_error() {
        f.push(format!("answered {s}"));
        return f;
    }
    let refused = matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
    match a.caller {
        Caller::Public => return f,
        Caller::Anonymous => {
            let ok = if a.case.is_api() {
                s == StatusCode::UNAUTHORIZED
            } else {
                s == StatusCode::SEE_OTHER && r.location().starts_with("/login")
            };
            if !ok {
                f.push(format!("answered {s} ({}) without a login", r.location()));
            }
            return f;
        }
        Caller::Refused => {
            if !refused {
                f.push(format!("answered {s} to a role without the permission"));
            }
        }
        Caller::Allowed if !a.inside => match a.case.outside {
            Outside::NotFound if s != StatusCode::NOT_FOUND => {
                f.push(format!("answered {s} for a record outside the scope"));
            }
            Outside::Refused if !(refused || s == StatusCode::UNPROCESSABLE_ENTITY) => {
                f.push(format!("answered {s} naming something outside the scope"));
            }
            _ => {}
        },
        Caller::Allowed => {}
    }
    if !matches!(a.case.access, Access::Public(_))
        && (s.is_success() || s.is_redirection())
        && let Some(m) = leaked(r, a)
    {
        f.push(format!("answered {s} with {m:?} of district B"));
    }
    f
}
