//! Templates shared by several handlers: the login form and the error page.

use askama::Template;

use crate::i18n::{Lang, Texts};

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: &'static Texts,
    pub lang: Lang,
    pub csrf: String,
    pub next: String,
    pub notice: Option<&'static str>,
    pub error: Option<String>,
    pub username: String,
    pub year: i32,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub t: &'static Texts,
    pub lang: Lang,
    pub status: u16,
    pub message: &'a str,
    pub fields: Vec<String>,
    pub request_id: Option<&'a str>,
}
