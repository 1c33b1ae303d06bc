//! The error page, written by the error renderer for every failed page request.

use askama::Template;
use axum::http::StatusCode;

use super::templates::ErrorPage;
use crate::error::{ErrorBody, message};
use crate::i18n::Lang;

pub fn render(lang: Lang, status: StatusCode, body: &ErrorBody) -> String {
    let page = ErrorPage {
        t: lang.texts(),
        lang,
        status: status.as_u16(),
        message: message(lang, body),
        fields: body
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.field, lang.pick(&f.zh, &f.en)))
            .collect(),
        request_id: body.request_id.as_deref(),
    };
    page.render()
        .unwrap_or_else(|_| format!("{} {}", status.as_u16(), body.message_en))
}
