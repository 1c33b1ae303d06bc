//! The public grid card (网格公示牌): who serves a grid and how to reach them, open to anyone
//! without login (it is what the station posts on its wall and its QR code leads to). Chinese
//! and English are shown together, since nothing says which one the reader wants; phones appear
//! as the deployment configured. The card carries its own QR code, so that a printed card leads
//! back to the live one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use gridgov_store::grids::GridCard;

use super::qr::{self, Origin};
use super::render;
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::{EN, Texts, ZH};

#[derive(Template)]
#[template(path = "grid_card.html")]
pub struct CardPage {
    pub zh: &'static Texts,
    pub en: &'static Texts,
    pub card: GridCard,
    /// The card's own address, and its QR code as inline SVG.
    pub url: String,
    pub qr: Option<String>,
}

impl CardPage {
    /// A number to dial: only a whole one, not a masked one.
    pub fn dial(&self, phone: &str) -> bool {
        !phone.is_empty()
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
    }
}

pub async fn page(
    State(state): State<AppState>,
    origin: Origin,
    Path((region_code, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let card = state
        .store
        .grid_card(&region_code, &code, state.config.card_phones)
        .await?;
    // From the stored codes, not the path as typed (`g01`), so every card of a grid shows the
    // same code.
    let url = origin.card_url(&card.region_code, &card.code);
    Ok(render(&CardPage {
        zh: &ZH,
        en: &EN,
        qr: qr::svg(&url),
        url,
        card,
    }))
}
