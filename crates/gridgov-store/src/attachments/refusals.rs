//! Why an attachment was refused, in Chinese and English, naming the file and the limit. Every
//! refusal is a [`FieldError`] on the field [`FIELD`], so forms and the API show it the same way.

use gridgov_core::FieldError;

use super::limits::AttachmentLimits;
use super::sniff::{AttachmentKind, Found};

/// The form field and API property that carries the files.
pub const FIELD: &str = "attachments";

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// A size as people read it: `10 MiB`, `12.3 MiB`, `512 KiB`, `300 B`.
pub(crate) fn size(bytes: u64) -> String {
    if bytes >= MIB {
        if bytes.is_multiple_of(MIB) {
            format!("{} MiB", bytes / MIB)
        } else {
            format!("{:.1} MiB", bytes as f64 / MIB as f64)
        }
    } else if bytes >= KIB {
        format!("{:.0} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} B")
    }
}

pub(crate) fn type_not_allowed(name: &str, found: Found) -> FieldError {
    FieldError::new(
        FIELD,
        "type_not_allowed",
        format!(
            "文件「{name}」是{}，不能上传。可以上传的有：照片（JPEG、PNG、WebP）和文档（PDF、DOCX、XLSX、纯文本）",
            found.zh
        ),
        format!(
            "file \"{name}\" is {}, which cannot be uploaded. Allowed are photos (JPEG, PNG, \
             WebP) and documents (PDF, DOCX, XLSX, plain text)",
            found.en
        ),
    )
}

/// A file over its kind's limit; `kind` is `None` for a file over every kind's limit, refused
/// before its type was looked at.
pub(crate) fn file_too_large(
    name: &str,
    kind: Option<AttachmentKind>,
    bytes: u64,
    limit: u64,
) -> FieldError {
    let (zh, en) = kind.map_or(("文件", "file"), |k| (k.zh(), k.as_str()));
    FieldError::new(
        FIELD,
        "file_too_large",
        format!(
            "{zh}「{name}」有 {}，超过每个{zh} {} 的上限",
            size(bytes),
            size(limit)
        ),
        format!(
            "{en} \"{name}\" is {}, over the limit of {} per {en}",
            size(bytes),
            size(limit)
        ),
    )
}

pub(crate) fn request_too_large(bytes: u64, limit: u64) -> FieldError {
    FieldError::new(
        FIELD,
        "request_too_large",
        format!(
            "本次上传共 {}，超过每次 {} 的上限，请分几次上传",
            size(bytes),
            size(limit)
        ),
        format!(
            "this upload holds {}, over the limit of {} per upload; send the files in parts",
            size(bytes),
            size(limit)
        ),
    )
}

pub(crate) fn too_many(kind: AttachmentKind, current: u32, adding: u32, limit: u32) -> FieldError {
    let plural = match kind {
        AttachmentKind::Photo => "photos",
        AttachmentKind::Document => "documents",
    };
    FieldError::new(
        FIELD,
        "too_many_files",
        format!(
            "{}最多 {limit} 个：已有 {current} 个，本次又加 {adding} 个",
            kind.zh()
        ),
        format!("at most {limit} {plural}: {current} already, {adding} more in this upload"),
    )
}

pub(crate) fn too_many_in_upload(files: usize, limits: &AttachmentLimits) -> FieldError {
    FieldError::new(
        FIELD,
        "too_many_files",
        format!(
            "一次最多上传 {} 张照片和 {} 个文档，本次有 {files} 个文件",
            limits.photos, limits.documents
        ),
        format!(
            "at most {} photos and {} documents at once; this upload holds {files} files",
            limits.photos, limits.documents
        ),
    )
}

pub(crate) fn too_many_pixels(name: &str, width: u32, height: u32, limit: u64) -> FieldError {
    FieldError::new(
        FIELD,
        "image_too_large",
        format!(
            "照片「{name}」有 {width}×{height} 像素，超过 {} 万像素的上限",
            limit / 10_000
        ),
        format!(
            "photo \"{name}\" is {width}×{height} pixels, over the limit of {} megapixels",
            limit / 1_000_000
        ),
    )
}

pub(crate) fn needs_too_much_memory(name: &str) -> FieldError {
    FieldError::new(
        FIELD,
        "image_too_large",
        format!("照片「{name}」解码所需内存过大，请缩小后再上传"),
        format!("photo \"{name}\" needs too much memory to decode; send a smaller one"),
    )
}

pub(crate) fn damaged(name: &str) -> FieldError {
    FieldError::new(
        FIELD,
        "damaged_file",
        format!("照片「{name}」无法读取，文件可能已损坏或不完整"),
        format!("photo \"{name}\" cannot be read; it may be damaged or incomplete"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(10 * MIB), "10 MiB");
        assert_eq!(size(12 * MIB + 300 * KIB), "12.3 MiB");
        assert_eq!(size(512 * KIB), "512 KiB");
        assert_eq!(size(300), "300 B");
    }

    #[test]
    fn refusals_name_the_file_and_the_limit_in_both_languages() {
        let e = file_too_large("积水.jpg", Some(AttachmentKind::Photo), 12 * MIB, 10 * MIB);
        assert_eq!(e.field, FIELD);
        assert!(
            e.zh.contains("积水.jpg") && e.zh.contains("10 MiB"),
            "{}",
            e.zh
        );
        assert!(
            e.en.contains("积水.jpg") && e.en.contains("10 MiB"),
            "{}",
            e.en
        );
        let e = too_many_pixels("bomb.png", 100_000, 100_000, 50_000_000);
        assert!(e.zh.contains("5000 万像素") && e.en.contains("50 megapixels"));
    }
}
