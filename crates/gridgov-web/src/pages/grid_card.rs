//! The public grid card (网格公示牌): who serves a grid and how to reach them, open to anyone
//! without login (it is what the station posts on its wall and its QR code leads to). Chinese
//! and English are shown together, since nothing says which one the reader wants; phones appear
//! as the deployment configured.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use gridgov_store::grids::GridCard;

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
    Path((region_code, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let card = state
        .store
        .grid_card(&region_code, &code, state.config.card_phones)
        .await?;
    Ok(render(&CardPage {
        zh: &ZH,
        en: &EN,
        card,
    }))
}
