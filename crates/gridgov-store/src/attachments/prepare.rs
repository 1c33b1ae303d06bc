//! One uploaded file made ready to store, on a CPU slot: its type from its content, its size
//! against its kind's limit, its metadata taken out, and for a photo its size and thumbnail.

use gridgov_core::FieldError;
use gridgov_geo::Cancel;

use super::limits::AttachmentLimits;
use super::names::clean_file_name;
use super::photo::{self, Photo};
use super::refusals;
use super::sniff::{self, ContentType};
use super::strip::strip;

/// A file as it arrived: the name its sender gave it (shown, never trusted) and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A file ready to store.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub content_type: ContentType,
    pub file_name: String,
    /// What is stored: the upload without its metadata.
    pub bytes: Vec<u8>,
    pub photo: Option<Photo>,
}

/// Why a file could not be made ready.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The file's own fault, told to the person who sent it.
    Refused(FieldError),
    /// Nobody waits for the result any more.
    Cancelled,
    Internal(String),
}

pub(crate) fn prepare(
    upload: Upload,
    limits: &AttachmentLimits,
    cancel: &Cancel,
) -> Result<Prepared, Failure> {
    let sent = upload.bytes.len() as u64;
    // Before anything is read: nothing larger than the largest kind may be is looked at.
    if sent > limits.max_file_bytes() {
        return Err(Failure::Refused(refusals::file_too_large(
            &clean_file_name(&upload.file_name, ""),
            None,
            sent,
            limits.max_file_bytes(),
        )));
    }
    let found = sniff::sniff(&upload.bytes);
    let name_for = |ext: &str| clean_file_name(&upload.file_name, ext);
    let content_type =
        found.map_err(|what| Failure::Refused(refusals::type_not_allowed(&name_for(""), what)))?;
    let file_name = name_for(content_type.extension());
    let kind = content_type.kind();
    limits
        .check_size(&file_name, kind, sent)
        .map_err(Failure::Refused)?;
    let bytes = strip(content_type, &upload.bytes)
        .map_err(|_| Failure::Refused(refusals::damaged(&file_name)))?;
    drop(upload);
    let photo = match kind {
        sniff::AttachmentKind::Photo => Some(photo::thumbnail(
            content_type,
            &bytes,
            &file_name,
            limits,
            cancel,
        )?),
        sniff::AttachmentKind::Document => None,
    };
    Ok(Prepared {
        content_type,
        file_name,
        bytes,
        photo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::images;

    fn run(name: &str, bytes: Vec<u8>) -> Result<Prepared, Failure> {
        let upload = Upload {
            file_name: name.into(),
            bytes,
        };
        prepare(upload, &AttachmentLimits::default(), &Cancel::new())
    }

    fn refusal(r: Result<Prepared, Failure>) -> FieldError {
        match r {
            Err(Failure::Refused(e)) => e,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_renamed_program_is_refused_by_its_content() {
        let e = refusal(run("photo.jpg", images::elf()));
        assert_eq!(
            (e.field.as_str(), e.code),
            ("attachments", "type_not_allowed")
        );
        assert!(
            e.en.contains("\"photo.jpg\" is a Linux executable"),
            "{}",
            e.en
        );
        assert!(e.zh.contains("「photo.jpg」是Linux 可执行程序"), "{}", e.zh);
    }

    #[test]
    fn a_file_over_every_limit_is_refused_before_it_is_read() {
        let mut big = images::jpeg(8, 8);
        big.resize(20 * 1024 * 1024 + 1, 0);
        let e = refusal(run("big.jpg", big));
        assert_eq!(e.code, "file_too_large");
        assert!(
            e.en.contains("file \"big.jpg\" is 20.0 MiB, over the limit of 20 MiB per file"),
            "{}",
            e.en
        );
        // Over the photo limit, under the document one: the photo limit applies.
        let mut photo = images::jpeg(8, 8);
        photo.resize(11 * 1024 * 1024, 0);
        assert!(
            refusal(run("p.jpg", photo))
                .en
                .contains("over the limit of 10 MiB per photo")
        );
    }

    #[test]
    fn documents_are_kept_as_sent_without_a_thumbnail() {
        let p = run("通报.pdf", images::pdf()).unwrap();
        assert_eq!(p.content_type, ContentType::Pdf);
        assert_eq!(p.bytes, images::pdf());
        assert!(p.photo.is_none());
        let p = run("", "巡查记录".as_bytes().to_vec()).unwrap();
        assert_eq!(p.file_name, "attachment.txt");
    }
}
