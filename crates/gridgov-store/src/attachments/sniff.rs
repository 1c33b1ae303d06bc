//! What a file is, judged from its content: never from its name or the type its sender
//! declared, which anyone can set (`invoice.pdf.exe` renamed `photo.jpg`).
//!
//! Allowed are photos (JPEG, PNG, WebP) and documents (PDF, DOCX, XLSX, plain UTF-8 text): what
//! phones and office desks produce, and what a browser can show or a desk can open safely.
//! Refused among others: executables and scripts, archives, old binary Office files (they carry
//! macros unseen) and Office files with macros, HEIC (phones can be set to save JPEG, and
//! decoding it needs a C library), GIF, TIFF, video. A refused file is named by what it was
//! found to be, so the person uploading knows what to change.

use std::io::Cursor;

use serde::Serialize;

/// Photos get a thumbnail and their own size limit; documents neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Document,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "photo",
            AttachmentKind::Document => "document",
        }
    }

    pub(crate) fn zh(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "照片",
            AttachmentKind::Document => "文档",
        }
    }
}

/// The allowed types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContentType {
    Jpeg,
    Png,
    Webp,
    Pdf,
    Docx,
    Xlsx,
    Text,
}

impl ContentType {
    pub const ALL: [ContentType; 7] = [
        ContentType::Jpeg,
        ContentType::Png,
        ContentType::Webp,
        ContentType::Pdf,
        ContentType::Docx,
        ContentType::Xlsx,
        ContentType::Text,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Jpeg => "image/jpeg",
            ContentType::Png => "image/png",
            ContentType::Webp => "image/webp",
            ContentType::Pdf => "application/pdf",
            ContentType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            ContentType::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ContentType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The usual extension, for a file that arrived without a usable name.
    pub fn extension(self) -> &'static str {
        match self {
            ContentType::Jpeg => "jpg",
            ContentType::Png => "png",
            ContentType::Webp => "webp",
            ContentType::Pdf => "pdf",
            ContentType::Docx => "docx",
            ContentType::Xlsx => "xlsx",
            ContentType::Text => "txt",
        }
    }

    pub fn from_mime(mime: &str) -> Option<ContentType> {
        ContentType::ALL.into_iter().find(|t| t.mime() == mime)
    }

    pub fn kind(self) -> AttachmentKind {
        match self {
            ContentType::Jpeg | ContentType::Png | ContentType::Webp => AttachmentKind::Photo,
            _ => AttachmentKind::Document,
        }
    }
}

/// What a refused file was found to be, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub zh: &'static str,
    pub en: &'static str,
}

const fn found(zh: &'static str, en: &'static str) -> Found {
    Found { zh, en }
}

pub(crate) const EMPTY: Found = found("空文件", "an empty file");

/// Signatures of types refused by name, checked after the allowed ones.
const REFUSED: &[(&[u8], Found)] = &[
    (
        b"\x7fELF",
        found("Linux 可执行程序", "a Linux executable (ELF)"),
    ),
    (b"MZ", found("Windows 可执行程序", "a Windows executable")),
    (
        b"\xfe\xed\xfa\xce",
        found("macOS 可执行程序", "a macOS executable"),
    ),
    (
        b"\xfe\xed\xfa\xcf",
        found("macOS 可执行程序", "a macOS executable"),
    ),
    (
        b"\xce\xfa\xed\xfe",
        found("macOS 可执行程序", "a macOS executable"),
    ),
    (
        b"\xcf\xfa\xed\xfe",
        found("macOS 可执行程序", "a macOS executable"),
    ),
    (b"\xca\xfe\xba\xbe", found("可执行程序", "an executable")),
    (b"#!", found("脚本", "a script")),
    (b"Rar!\x1a\x07", found("RAR 压缩包", "a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", found("7z 压缩包", "a 7z archive")),
    (b"\x1f\x8b", found("gzip 压缩包", "a gzip archive")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        found(
            "旧版或加密的 Office 文档（.doc/.xls），请另存为 DOCX/XLSX 或 PDF",
            "an old-format or encrypted Office document (.doc/.xls); save it as DOCX/XLSX or PDF",
        ),
    ),
    (b"GIF87a", found("GIF 动图", "a GIF image")),
    (b"GIF89a", found("GIF 动图", "a GIF image")),
    (b"II*\0", found("TIFF 图片", "a TIFF image")),
    (b"MM\0*", found("TIFF 图片", "a TIFF image")),
];

const HEIC: Found = found(
    "HEIC 照片，请在手机相机设置中改存 JPEG 后重拍，或转换为 JPEG",
    "a HEIC photo; set the phone's camera to save JPEG, or convert it to JPEG",
);
const VIDEO: Found = found("视频或其他媒体文件", "a video or other media file");
const ZIP: Found = found("ZIP 压缩包", "a ZIP archive");
const MACROS: Found = found("含宏的 Office 文档", "an Office document with macros");
const OTHER_OFFICE: Found = found(
    "其他 Office 文档（如演示文稿），请另存为 PDF",
    "another kind of Office document (a presentation?); save it as PDF",
);
const BINARY: Found = found("无法识别的二进制文件", "an unrecognised binary file");
const BAD_TEXT: Found = found(
    "含控制字符的文本，或不是 UTF-8 编码的文本",
    "text with control characters, or text not in UTF-8",
);

/// The type of these bytes, or what they were found to be instead.
pub(crate) fn sniff(bytes: &[u8]) -> Result<ContentType, Found> {
    if bytes.is_empty() {
        return Err(EMPTY);
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return Ok(ContentType::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ContentType::Png);
    }
    if bytes.starts_with(b"RIFF") {
        return match bytes.get(8..16) {
            Some([b'W', b'E', b'B', b'P', b'V', b'P', b'8', b' ' | b'L' | b'X']) => {
                Ok(ContentType::Webp)
            }
            _ => Err(VIDEO),
        };
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok(ContentType::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office(bytes);
    }
    if let Some(brand) = bytes.get(4..12).filter(|b| b.starts_with(b"ftyp")) {
        return Err(match &brand[4..] {
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => HEIC,
            b"avif" | b"avis" => found("AVIF 图片", "an AVIF image"),
            _ => VIDEO,
        });
    }
    if let Some((_, what)) = REFUSED.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(*what);
    }
    text(bytes)
}

/// DOCX and XLSX are ZIP files with `[Content_Types].xml` and their main part. Only the
/// archive's directory is read, nothing is decompressed, so a ZIP bomb costs nothing here.
fn office(bytes: &[u8]) -> Result<ContentType, Found> {
    let Ok(zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Err(ZIP);
    };
    let has = |name: &str| zip.index_for_name(name).is_some();
    if !has("[Content_Types].xml") {
        return Err(ZIP);
    }
    if zip.file_names_raw().any(|n| n.ends_with(b"vbaProject.bin")) {
        return Err(MACROS);
    }
    if has("word/document.xml") {
        Ok(ContentType::Docx)
    } else if has("xl/workbook.xml") {
        Ok(ContentType::Xlsx)
    } else {
        Err(OTHER_OFFICE)
    }
}

/// UTF-8 (a BOM allowed) without control characters other than tab, line breaks and form
/// feed. NUL bytes, which every executable and most binary formats hold, fail here.
fn text(bytes: &[u8]) -> Result<ContentType, Found> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Ok(s) = std::str::from_utf8(body) else {
        return Err(if body.contains(&0) { BINARY } else { BAD_TEXT });
    };
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
    {
        return Err(if s.contains('\0') { BINARY } else { BAD_TEXT });
    }
    Ok(ContentType::Text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(
                *n,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored),
            )
            .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn allowed_types_are_told_by_their_content() {
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Ok(ContentType::Jpeg));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok(ContentType::Png)
        );
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Ok(ContentType::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok(ContentType::Pdf));
        assert_eq!(
            sniff(&zip_of(&["[Content_Types].xml", "word/document.xml"])),
            Ok(ContentType::Docx)
        );
        assert_eq!(
            sniff(&zip_of(&["[Content_Types].xml", "xl/workbook.xml"])),
            Ok(ContentType::Xlsx)
        );
        assert_eq!(
            sniff("巡查记录\r\n第二行\t完\n".as_bytes()),
            Ok(ContentType::Text)
        );
        assert_eq!(sniff(b"\xef\xbb\xbfwith a BOM"), Ok(ContentType::Text));
        for t in ContentType::ALL {
            assert_eq!(ContentType::from_mime(t.mime()), Some(t));
        }
    }

    #[test]
    fn everything_else_is_refused_and_named() {
        let refused = |b: &[u8]| sniff(b).unwrap_err().en;
        assert_eq!(refused(b""), EMPTY.en);
        assert_eq!(
            refused(b"\x7fELF\x02\x01\x01\0\0\0"),
            "a Linux executable (ELF)"
        );
        assert_eq!(refused(b"MZ\x90\0\x03\0\0\0"), "a Windows executable");
        assert_eq!(refused(b"#!/bin/sh\nrm -rf /\n"), "a script");
        assert_eq!(refused(&zip_of(&["a.txt"])), ZIP.en);
        assert_eq!(refused(b"PK\x03\x04 but not a zip"), ZIP.en);
        assert_eq!(
            refused(&zip_of(&[
                "[Content_Types].xml",
                "word/document.xml",
                "word/vbaProject.bin"
            ])),
            MACROS.en
        );
        assert_eq!(
            refused(&zip_of(&["[Content_Types].xml", "ppt/presentation.xml"])),
            OTHER_OFFICE.en
        );
        assert_eq!(refused(b"\0\0\0\x18ftypheic\0\0\0\0"), HEIC.en);
        assert_eq!(refused(b"\0\0\0\x18ftypisom\0\0\0\0"), VIDEO.en);
        assert_eq!(refused(b"RIFF\x24\0\0\0AVI LIST"), VIDEO.en);
        assert_eq!(refused(b"GIF89a\x01\0"), "a GIF image");
        assert!(refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1").starts_with("an old-format"));
        assert_eq!(refused(b"text\0with a NUL"), BINARY.en);
        assert_eq!(refused(b"\x80\x81 not utf-8"), BAD_TEXT.en);
        assert_eq!(refused(b"an escape \x1b[2J sequence"), BAD_TEXT.en);
    }
}
