#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The standing authorization matrix, on both databases: every route the router serves (read
//! from the route table it is built from, and every operation of the OpenAPI document) × every
//! role × a record inside the caller's district and one in the district next door. Outside the
//! scope is not found and changes nothing; a role without the permission is refused; nothing
//! answers with a server error; nothing of the other district appears in any answer.
//! `cargo test -p gridgov-web --test authz_matrix -- --nocapture` prints the counts.

mod authz;
mod support;

use gridgov_store::{Backend, on_both};

/// Fails by name for a route added without an authorization case, before any database is made.
#[test]
fn every_route_has_an_authorization_case() {
    let faults = authz::coverage::faults(&authz::all_cases());
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

on_both!(every_route_every_role_inside_and_outside_the_scope, |db| {
    let backend = match db.store.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    authz::run::run(&db, backend).await;
});
