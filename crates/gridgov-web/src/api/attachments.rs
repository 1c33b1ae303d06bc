//! Attachments in the API: uploading files before the report or action that names them
//! (they stay the caller's pending uploads until then), reading what one is, and its bytes or
//! thumbnail. The desk serves the same bytes at `/attachments/{id}` with its session.
//!
//! Bytes go out with the type the store judged from their content, `nosniff`, a sandboxing
//! content policy (a PDF or text file opened from here runs nothing), private caching, and as a
//! download unless they are a photo.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridgov_store::attachments::{
    AttachmentContent, AttachmentView, FIELD, OwnerKind, Placement, Upload, Which,
};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

/// What an attachment's bytes may do once a browser has them: nothing.
const ATTACHMENT_CSP: &str = "default-src 'none'; img-src 'self'; sandbox";

/// The response serving an attachment's bytes (or its thumbnail).
pub(crate) fn content_response(c: AttachmentContent, thumbnail: bool) -> Response {
    let inline = c.mime.starts_with("image/");
    let name = if thumbnail {
        let stem = c
            .file_name
            .rsplit_once('.')
            .map_or(c.file_name.as_str(), |(s, _)| s);
        format!("thumb-{stem}.jpg")
    } else {
        c.file_name
    };
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        ascii_name(&name),
        percent(&name)
    );
    let mut res = (StatusCode::OK, c.bytes).into_response();
    let h = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, c.mime),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        // The bytes never change, but who may read them can: a short private cache only.
        (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
        (header::CONTENT_SECURITY_POLICY, ATTACHMENT_CSP.to_owned()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    res
}

/// The file name for old clients that read only `filename`: ASCII, quotes and controls out.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 encoding of a UTF-8 name for `filename*`.
fn percent(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads the files of a multipart upload (every part that is a file), as the store takes them.
pub(crate) async fn files_of(mut form: Multipart) -> Result<Vec<Upload>, AppError> {
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        let bytes = field.bytes().await.map_err(bad_upload)?;
        files.push(Upload {
            file_name,
            bytes: bytes.to_vec(),
        });
    }
    Ok(files)
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    gridgov_core::FieldError::new(
        FIELD,
        "bad_upload",
        format!("上传内容无法读取：{e}"),
        format!("the upload could not be read: {e}"),
    )
    .into()
}

#[utoipa::path(post, operation_id = "upload_attachments", tag = "attachments", path = "/api/v1/attachments",
    request_body(content = String, content_type = "multipart/form-data", description = "One or more file parts (any field name): photos (JPEG, PNG, WebP) and documents (PDF, DOCX, XLSX, plain text), judged by their content"),
    responses((status = 201, body = serde_json::Value, description = "The stored files, pending: `[{id, kind, mime, size_bytes, width, height, file_name, has_thumbnail, …}]`; name their ids in `attachments` of a report or an action"),
        (status = 413, body = ErrorBody, description = "Over the limit of one upload"),
        (status = 422, body = ErrorBody, description = "Every file refused, each named with what it was found to be or its limit; nothing is kept")))]
pub async fn upload(
    State(state): State<AppState>,
    u: ApiUser,
    form: Multipart,
) -> Result<(StatusCode, Json<Vec<AttachmentView>>), AppError> {
    // Only those who may report or act on incidents have a use for an incident's upload.
    if !u.actor.can(gridgov_core::auth::Permission::ViewIncidents) {
        return Err(gridgov_store::StoreError::Forbidden.into());
    }
    let files = files_of(form).await?;
    let stored = state
        .store
        .store_attachments(&u.actor, &Placement::Pending(OwnerKind::Incident), files)
        .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[utoipa::path(get, operation_id = "show_attachment", tag = "attachments", path = "/api/v1/attachments/{id}",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "What the attachment is: kind, type, size, name, owner"),
        (status = 404, body = ErrorBody, description = "No such attachment, or not the caller's to see")))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<AttachmentView>, AppError> {
    Ok(Json(state.store.attachment(&u.actor, &id).await?))
}

#[utoipa::path(get, operation_id = "attachment_content", tag = "attachments", path = "/api/v1/attachments/{id}/content",
    params(("id" = String, Path)),
    responses((status = 200, description = "The bytes, with the type judged from them", content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody)))]
pub async fn content(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .attachment_content(&u.actor, &id, Which::Original)
        .await?;
    Ok(content_response(c, false))
}

#[utoipa::path(get, operation_id = "attachment_thumbnail", tag = "attachments", path = "/api/v1/attachments/{id}/thumb",
    params(("id" = String, Path)),
    responses((status = 200, description = "A photo's thumbnail: JPEG, 320 px on its longest side", content_type = "image/jpeg"),
        (status = 404, body = ErrorBody, description = "Also for a document, which has none")))]
pub async fn thumbnail(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .attachment_content(&u.actor, &id, Which::Thumbnail)
        .await?;
    Ok(content_response(c, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_in_both_header_forms() {
        assert_eq!(ascii_name("现场\"照片\".jpg"), "______.jpg");
        assert_eq!(percent("现场 1.jpg"), "%E7%8E%B0%E5%9C%BA%201.jpg");
    }

    #[test]
    fn documents_download_and_photos_show() {
        let doc = content_response(
            AttachmentContent {
                mime: "application/pdf".into(),
                file_name: "回复.pdf".into(),
                bytes: b"%PDF".to_vec(),
            },
            false,
        );
        let h = doc.headers();
        assert!(
            h[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            h[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("private")
        );
        let photo = content_response(
            AttachmentContent {
                mime: "image/jpeg".into(),
                file_name: "a.jpg".into(),
                bytes: vec![0xff, 0xd8],
            },
            true,
        );
        let d = photo.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap();
        assert!(d.starts_with("inline; filename=\"thumb-a.jpg\""), "{d}");
    }
}
