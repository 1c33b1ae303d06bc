//! Driving the matrix: every case, for nobody and for every role, inside district A and outside
//! in district B, one request at a time on one seeded database.

use std::time::Instant;

use axum::http::StatusCode;
use gridgov_store::testing::TestDb;

use super::case::{Access, Case, Ctx, Obj, Outside};
use super::city::{self, City, Member};
use super::http::{Auth, Http};
use super::judge::{self, Asked, Caller};
use super::tally::Tally;
use super::{all_cases, coverage, fingerprint};
use crate::support::Reply;

/// The share of allowed requests inside the scope that must do the work; below it the bodies or
/// records the matrix sends have gone stale and it no longer tests real paths.
const DONE_FLOOR_PCT: f64 = 80.0;

/// The path with its parameters filled.
fn fill(case: &Case, obj: &Obj) -> String {
    let mut out = String::new();
    let mut rest = case.path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        let name = &rest[open + 1..close];
        let value = obj
            .param(name)
            .or_else(|| case.fixed.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
            .unwrap_or_else(|| panic!("{}: nothing fills {{{name}}}", case.name()));
        out.push_str(&rest[..open]);
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

struct Run<'a> {
    city: &'a City,
    http: &'a Http,
    tally: Tally,
    faults: Vec<String>,
    /// District B as seeded.
    b_print: Vec<(&'static str, i64)>,
}

impl Run<'_> {
    async fn one(&mut self, case: &Case, me: &Member, caller: Caller, inside: bool) {
        let city = self.city;
        let allowed = caller == Caller::Allowed;
        let obj = city.prepare(case.target, inside, me, allowed).await;
        let side = city.side(inside);
        let ctx = Ctx {
            side,
            home: &city.a,
            obj: &obj,
            n: city.next(),
        };
        let send = (case.send)(&ctx);
        let mut uri = fill(case, &obj);
        if !send.query.is_empty() {
            uri = format!("{uri}?{}", send.query);
        }
        let spare = if case.spare_session && caller != Caller::Anonymous {
            Some(self.http.session(&city.store, &me.spare).await)
        } else {
            None
        };
        let auth = match (caller, &spare) {
            (Caller::Anonymous | Caller::Public, _) => Auth::Nobody,
            (_, Some((cookie, csrf))) => Auth::Session { cookie, csrf },
            _ if case.is_api() => Auth::Bearer(&me.token),
            _ => Auth::Session {
                cookie: &me.cookie,
                csrf: &me.csrf,
            },
        };
        // A refused change must leave its district as it was: B outside, A for a role without
        // the permission. District B never changes, so it is held to one fingerprint.
        let watched = case.writes()
            && matches!(caller, Caller::Allowed | Caller::Refused)
            && (!inside || !allowed)
            && !matches!(case.outside, Outside::Shared(_));
        let before = match (watched, inside) {
            (false, _) => None,
            (true, true) => Some(fingerprint::of(&city.store, &side.path).await),
            (true, false) => Some(self.b_print.clone()),
        };
        let r = self
            .http
            .request(case.method.clone(), &uri, auth, &send.body)
            .await;
        self.settle(&r, me).await;
        let mut faults = judge::faults(
            &Asked {
                case,
                caller,
                inside,
                markers: &city.b.markers,
                sent: format!("{uri} {:?} {:?}", query_values(&send.query), send.body),
            },
            &r,
        );
        if let Some(before) = before {
            let after = fingerprint::of(&city.store, &side.path).await;
            let changed = fingerprint::changes(&before, &after);
            if !inside {
                // Blame the next change on its own request, not this one.
                self.b_print = after.clone();
            }
            if !changed.is_empty() {
                faults.push(format!(
                    "changed district {} ({}) and answered {}",
                    side.label,
                    changed.join(", "),
                    r.status
                ));
            }
        }
        self.tally.add(caller, inside, &r);
        for f in faults {
            self.faults.push(format!(
                "{} as {} {}: {f}\n      {}",
                case.name(),
                match caller {
                    Caller::Anonymous | Caller::Public => "nobody".to_owned(),
                    _ => me.role.to_string(),
                },
                if inside { "inside" } else { "outside" },
                excerpt(&r)
            ));
        }
    }

    /// A desk upload answers at once and imports in the background: wait for it, so the next
    /// request does not queue behind its writer and the fingerprint sees what it wrote.
    async fn settle(&self, r: &Reply, me: &Member) {
        if r.status == StatusCode::SEE_OTHER
            && let Some(job) = r.location().strip_prefix("/import/")
        {
            self.http.wait_for_job(&me.cookie, job).await;
        }
    }
}

/// The query's values as typed, not percent-encoded.
fn query_values(q: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(q).unwrap()
}

/// The answer in brief: status, redirect, and the body's text without markup.
fn excerpt(r: &Reply) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for ch in r.body.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text: Vec<&str> = text.split_whitespace().collect();
    let text: String = text.join(" ").chars().take(400).collect();
    format!("{} {} {text}", r.status, r.location())
}

/// The routes tried without a record of district B, each with its reason, for the summary.
fn exemptions(cases: &[Case]) -> String {
    let mut lines = Vec::new();
    for c in cases {
        let why = match (c.access, c.outside) {
            (Access::Public(why), _) => format!("public: {why}"),
            (_, Outside::Shared(why)) => format!("shared: {why}"),
            (_, Outside::NotApplicable(why)) => format!("no outside: {why}"),
            _ => continue,
        };
        lines.push(format!("    {:<48} {why}", c.name()));
    }
    lines.join("\n")
}

/// Runs the whole matrix on one database and fails with every fault found.
pub async fn run(db: &TestDb, backend: &str) {
    let cases = all_cases();
    let gaps = coverage::faults(&cases);
    assert!(gaps.is_empty(), "{}", gaps.join("\n"));
    let started = Instant::now();
    let http = Http::new(db);
    let city = city::build(&db.store, &http).await;
    let seeded = started.elapsed();
    let mut run = Run {
        city: &city,
        http: &http,
        tally: Tally {
            routes: cases.len(),
            roles: city.members.len(),
            ..Tally::default()
        },
        faults: Vec::new(),
        b_print: fingerprint::of(&city.store, &city.b.path).await,
    };
    for case in &cases {
        let anyone = &city.members[0];
        if let Access::Public(_) = case.access {
            for inside in [true, false] {
                run.one(case, anyone, Caller::Public, inside).await;
            }
            continue;
        }
        run.one(case, anyone, Caller::Anonymous, true).await;
        for me in &city.members {
            let caller = if case.access.allows(me.role) {
                Caller::Allowed
            } else {
                Caller::Refused
            };
            run.one(case, me, caller, true).await;
            if !matches!(case.outside, Outside::NotApplicable(_)) {
                run.one(case, me, caller, false).await;
            }
        }
    }
    // Reads are not fingerprinted one by one; together they must have left district B alone.
    let end = fingerprint::of(&city.store, &city.b.path).await;
    let changed = fingerprint::changes(&run.b_print, &end);
    if !changed.is_empty() {
        run.faults.push(format!(
            "district B changed outside any refused change: {changed:?}"
        ));
    }
    let t = &run.tally;
    println!(
        "{}\n  seeded in {:.1} s, ran in {:.1} s\n  judged without a record of district B:\n{}",
        t.summary(backend),
        seeded.as_secs_f64(),
        (started.elapsed() - seeded).as_secs_f64(),
        exemptions(&cases)
    );
    assert!(
        run.faults.is_empty(),
        "{} faults:\n{}",
        run.faults.len(),
        run.faults.join("\n")
    );
    assert!(
        t.done_pct() >= DONE_FLOOR_PCT,
        "only {:.0}% of the allowed requests inside the scope did the work",
        t.done_pct()
    );
}
