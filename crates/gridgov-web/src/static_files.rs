//! First-party CSS and JS, built into the binary: no CDN, works offline.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const APP_CSS: &str = include_str!("../static/app.css");
const APP_JS: &str = include_str!("../static/app.js");
const MAP_JS: &str = include_str!("../static/map.js");
const IMPORT_JS: &str = include_str!("../static/import.js");
const REPORT_JS: &str = include_str!("../static/report.js");

pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, ctype) = match file.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "map.js" => (MAP_JS, "text/javascript; charset=utf-8"),
        "import.js" => (IMPORT_JS, "text/javascript; charset=utf-8"),
        "report.js" => (REPORT_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    // Pages link these with a version query, so a long cache is safe.
    (
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
