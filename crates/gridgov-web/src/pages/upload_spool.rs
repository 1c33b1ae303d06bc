//! Reading the import form's multipart body: the CSRF token first (checked before anything else
//! is read), the small fields, then the file, written to a temporary file as it arrives so a
//! large upload never sits in memory.

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use crate::auth::csrf::{Deferred, FIELD};
use crate::error::AppError;

/// A temporary file removed when dropped: after the import that reads it, or at once when the
/// form is refused.
pub struct SpooledFile(PathBuf);

impl SpooledFile {
    /// Takes charge of a temporary file made elsewhere (a job's file copied out of the
    /// database), to be removed when dropped.
    pub(crate) fn adopt(path: PathBuf) -> SpooledFile {
        SpooledFile(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SpooledFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The fields of the import form as sent.
#[derive(Default)]
pub struct ImportUpload {
    pub kind: String,
    pub source: String,
    pub accept_valid: bool,
    /// The file's name as the browser gave it (last segment only).
    pub file_name: String,
    pub file: Option<SpooledFile>,
    pub bytes: u64,
}

/// Why reading the form stopped.
pub enum UploadError {
    /// Missing or wrong CSRF token.
    Csrf,
    /// The body broke off or was too large: answered with this status.
    Status(StatusCode),
    Io(std::io::Error),
}

impl From<MultipartError> for UploadError {
    fn from(e: MultipartError) -> Self {
        UploadError::Status(e.status())
    }
}

impl From<std::io::Error> for UploadError {
    fn from(e: std::io::Error) -> Self {
        UploadError::Io(e)
    }
}

impl UploadError {
    /// The answer: a bare status is rendered as an error page by the error layer.
    pub fn into_response(self) -> Result<Response, AppError> {
        match self {
            UploadError::Csrf => Err(AppError::Csrf),
            UploadError::Status(s) => Ok(s.into_response()),
            UploadError::Io(e) => Err(AppError::Store(gridgov_store::StoreError::Internal(
                format!("spooling an upload: {e}"),
            ))),
        }
    }
}

/// The name a file goes by in the batch record: the last segment of what the browser says, so
/// no directories of the user's machine end up in the trail.
pub fn clean_file_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Reads the form. The token must be the first field: the guard deferred its check to here
/// (see `auth::csrf::defers_multipart`), and nothing is written to disk before it matches.
pub async fn read_import_form(
    deferred: Option<&Deferred>,
    mut form: Multipart,
) -> Result<ImportUpload, UploadError> {
    let Some(deferred) = deferred else {
        return Err(UploadError::Csrf);
    };
    let first = form.next_field().await?.ok_or(UploadError::Csrf)?;
    if first.name() != Some(FIELD) || !deferred.matches(&first.text().await?) {
        return Err(UploadError::Csrf);
    }
    let mut up = ImportUpload::default();
    while let Some(mut field) = form.next_field().await? {
        match field.name().unwrap_or("") {
            "kind" => up.kind = field.text().await?,
            "source" => up.source = field.text().await?,
            "accept_valid" => up.accept_valid = !field.text().await?.is_empty(),
            "file" if up.file.is_none() => {
                up.file_name = clean_file_name(field.file_name().unwrap_or(""));
                let path = std::env::temp_dir()
                    .join(format!("gridgov-upload-{}", uuid::Uuid::now_v7().simple()));
                let spooled = SpooledFile(path);
                let mut out = tokio::fs::File::create(spooled.path()).await?;
                while let Some(chunk) = field.chunk().await? {
                    up.bytes += chunk.len() as u64;
                    out.write_all(&chunk).await?;
                }
                out.flush().await?;
                up.file = Some(spooled);
            }
            // Unknown fields are read past, not refused: a browser extension may add some.
            _ => while field.chunk().await?.is_some() {},
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(clean_file_name("C:\\Users\\wang\\人口.xlsx"), "人口.xlsx");
        assert_eq!(clean_file_name("/home/li/a.csv"), "a.csv");
        assert_eq!(clean_file_name(" b\n.csv "), "b.csv");
    }
}
