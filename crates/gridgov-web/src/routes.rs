//! Routes added through a recording wrapper. axum's `Router` cannot list its routes, yet the
//! authorization matrix test must know every one of them, so each route goes through
//! [`Routes`], which adds it to the router and writes (method, path pattern) into its table in
//! the same call. [`crate::route_table`] reads the table of the very value the app is built
//! from; there is no second list to keep in step.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::app::AppState;

/// One route as the router serves it: the method and the path pattern (`/grids/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The methods routes are served with; each names its method and its filter, so the two cannot
/// disagree.
#[derive(Debug, Clone, Copy)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        }
    }

    /// GET also answers HEAD, as axum's `get` does.
    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Delete => MethodFilter::DELETE,
        }
    }
}

/// A router under construction together with the table of what it serves.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.with(Verb::Get, path, handler, |m| m)
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.with(Verb::Post, path, handler, |m| m)
    }

    pub fn put<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.with(Verb::Put, path, handler, |m| m)
    }

    pub fn patch<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.with(Verb::Patch, path, handler, |m| m)
    }

    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.with(Verb::Delete, path, handler, |m| m)
    }

    /// A route whose handler needs layers of its own (uploads with a larger body limit): `wrap`
    /// gets the method router already bound to `verb`, so the table cannot name another one.
    pub fn with<H, T>(
        mut self,
        verb: Verb,
        path: &'static str,
        handler: H,
        wrap: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // axum merges method routers added for the same path, so `get` and `post` on one path
        // make one route with two methods, as `get(a).post(b)` would.
        self.router = self.router.route(path, wrap(on(verb.filter(), handler)));
        self.table.push(Route {
            method: verb.method(),
            path,
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.table)
    }
}
