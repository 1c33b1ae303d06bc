//! Reading the incident forms (report and actions), which are multipart so that photos and
//! documents ride along: the CSRF token first (the guard deferred it here, see
//! `auth::csrf::defers_multipart`), then text fields and files in any order. Files are held in
//! memory: the route's body limit is the attachment limit of one upload (tens of MB), and the
//! store judges them by their content.

use axum::extract::Multipart;
use gridgov_store::attachments::Upload;

use super::upload_spool::UploadError;
use crate::auth::csrf::{Deferred, FIELD};

/// A text field longer than this is cut: no form field of the loop takes more (descriptions are
/// 2,000 characters, at most 4 bytes each).
const TEXT_MAX_BYTES: usize = 16 * 1024;

/// The name file inputs carry on the desk's forms.
pub const FILES: &str = "files";

/// A posted form: its text fields in order (repeated names kept), and the files chosen.
#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl Posted {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// Every non-empty value of a repeated field (a multiple select, a row of inputs).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Every value of a repeated field, empty ones included, so rows of inputs stay aligned.
    pub fn column(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
}

/// Reads the form after checking its token, which must be the first part.
pub async fn read(deferred: Option<&Deferred>, mut form: Multipart) -> Result<Posted, UploadError> {
    let Some(deferred) = deferred else {
        return Err(UploadError::Csrf);
    };
    let first = form.next_field().await?.ok_or(UploadError::Csrf)?;
    if first.name() != Some(FIELD) || !deferred.matches(&first.text().await?) {
        return Err(UploadError::Csrf);
    }
    let mut posted = Posted::default();
    while let Some(field) = form.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        match file_name {
            Some(file_name) if name == FILES => {
                let bytes = field.bytes().await?;
                // A file input left empty still sends a part with no name and no bytes.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                posted.files.push(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
            // Files under other names are read past: a browser extension may add some.
            Some(_) => {
                let _ = field.bytes().await?;
            }
            None => {
                let mut text = field.text().await?;
                if text.len() > TEXT_MAX_BYTES {
                    let mut cut = TEXT_MAX_BYTES;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                }
                posted.fields.push((name, text));
            }
        }
    }
    Ok(posted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_keep_their_order() {
        let p = Posted {
            fields: vec![
                ("d".into(), "a".into()),
                ("x".into(), " 1 ".into()),
                ("d".into(), "".into()),
                ("d".into(), "b".into()),
            ],
            files: Vec::new(),
        };
        assert_eq!(p.get("x"), "1");
        assert_eq!(p.get("missing"), "");
        assert_eq!(p.all("d"), vec!["a", "b"]);
        assert_eq!(p.column("d"), vec!["a", "", "b"]);
    }
}
