//! The QR code of a grid's public card, for its service station: drawn here as inline SVG, so
//! there is no image file to serve, and with presentation attributes (`fill`) only, which the
//! content security policy allows where it forbids inline styles.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::app::AppState;

/// The scheme and host the browser reached this site on (`https://grid.example.org`), or
/// nothing when the request did not say. A QR code is read by another device, which cannot
/// resolve a bare path, so the card's link in it needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin(Option<String>);

impl Origin {
    /// From a `Host` header; HTTPS when the deployment says it is served over HTTPS (it then
    /// marks cookies secure too). A host that is not plainly a name, an address and perhaps a
    /// port is ignored rather than put into a printed code.
    pub fn new(host: Option<&str>, https: bool) -> Origin {
        let scheme = if https { "https" } else { "http" };
        Origin(
            host.map(str::trim)
                .filter(|h| plausible_host(h))
                .map(|h| format!("{scheme}://{h}")),
        )
    }

    /// The public card of a grid: absolute when the origin is known, a path otherwise.
    pub fn card_url(&self, region_code: &str, code: &str) -> String {
        let path = format!("/card/{region_code}/{code}");
        match &self.0 {
            Some(origin) => format!("{origin}{path}"),
            None => path,
        }
    }
}

fn plausible_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // A configured public address wins: behind a proxy the Host header names the inside,
        // and a printed code must never carry whatever a request claimed.
        if let Some(url) = &state.config.public_url {
            return Ok(Origin(Some(url.trim_end_matches('/').to_owned())));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        Ok(Origin::new(host, state.config.cookie_secure))
    }
}

/// A QR code of `text` as an `<svg>` element to put straight into a page; none (and a warning
/// logged) if the text is too long for a QR code, which a card's address never is.
pub fn svg(text: &str) -> Option<String> {
    // Level Q restores a code with a quarter of it lost: cards hang on walls and fade or get
    // scratched, and a card's short address still fits a small code at this level.
    let code = match QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, len = text.len(), "no QR code for this text");
            return None;
        }
    };
    let image = code
        .render::<svg::Color>()
        .module_dimensions(4, 4)
        .quiet_zone(true)
        .build();
    // The renderer writes a whole SVG file; inside HTML its XML declaration is noise. The class
    // lets the stylesheet size the code, overriding the pixel size the renderer sets.
    let start = image.find("<svg ")?;
    Some(image[start..].replacen("<svg ", "<svg class=\"qr-code\" focusable=\"false\" ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_url_is_absolute_only_with_a_plain_host() {
        let o = Origin::new(Some("grid.example.org:8443"), true);
        assert_eq!(
            o.card_url("420202001001", "G01"),
            "https://grid.example.org:8443/card/420202001001/G01"
        );
        assert_eq!(
            Origin::new(Some("[::1]:8080"), false).card_url("1", "A"),
            "http://[::1]:8080/card/1/A"
        );
        for host in [
            None,
            Some(""),
            Some("evil.example/x?"),
            Some("a b"),
            Some("u@h"),
        ] {
            assert_eq!(Origin::new(host, false).card_url("1", "A"), "/card/1/A");
        }
    }

    #[test]
    fn the_code_is_inline_svg_without_styles() {
        let s = svg("https://grid.example.org/card/420202001001/G01").unwrap_or_default();
        assert!(s.starts_with("<svg class=\"qr-code\""), "{s}");
        assert!(s.ends_with("</svg>") && s.contains("<path fill=\"#000\" d=\"M"));
        assert!(!s.contains("style") && !s.contains("<?xml"));
    }
}
