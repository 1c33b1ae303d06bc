//! Taking out what a photo says besides its pixels: where it was taken (EXIF GPS, XMP), the
//! camera, the owner's name, a second embedded picture. Public views of incidents show photos
//! to residents, so the stored original itself carries no location; nothing is re-encoded, so
//! the pixels stay exactly as sent.
//!
//! Each format keeps an allowlist of what a picture needs to show right (its colour profile
//! among them); everything else goes, including whatever follows the image's end. A JPEG's
//! orientation (which way up the phone was held) is written back as an EXIF block of that one
//! tag, or the photo would show on its side.

use image::metadata::Orientation;

use super::sniff::ContentType;

/// The file is not what its signature promised; the decoder would fail on it as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// Documents are left as they are.
pub(crate) fn strip(t: ContentType, data: &[u8]) -> Result<Vec<u8>, Malformed> {
    match t {
        ContentType::Jpeg => jpeg(data),
        ContentType::Png => png(data),
        ContentType::Webp => webp(data),
        _ => Ok(data.to_vec()),
    }
}

const SOI: u8 = 0xd8;
const EOI: u8 = 0xd9;
const SOS: u8 = 0xda;
const APP0: u8 = 0xe0;
const APP1: u8 = 0xe1;

/// Which JPEG segments stay: APP0 (JFIF), an ICC profile in APP2, Adobe's APP14 (how to read
/// the colours), and the segments that are the image. APP1 (EXIF, XMP), the other APPn
/// (multi-picture index, Photoshop's IPTC) and comments go.
fn keep_jpeg_segment(code: u8, body: &[u8]) -> bool {
    match code {
        APP0 => true,
        0xe2 => body.starts_with(b"ICC_PROFILE\0"),
        0xee => body.starts_with(b"Adobe"),
        0xe1..=0xef | 0xfe => false,
        _ => true,
    }
}

fn jpeg(data: &[u8]) -> Result<Vec<u8>, Malformed> {
    if !data.starts_with(&[0xff, SOI]) {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&[0xff, SOI]);
    // Where the orientation goes: after SOI, or after APP0 when it comes first (JFIF wants it so).
    let mut orientation_at = out.len();
    let mut first_segment = true;
    let mut orientation = None;
    let mut i = 2;
    loop {
        if data.get(i) != Some(&0xff) {
            return Err(Malformed);
        }
        while data.get(i) == Some(&0xff) {
            i += 1; // fill bytes
        }
        let code = *data.get(i).ok_or(Malformed)?;
        i += 1;
        match code {
            // The end of the first image; what follows (a second picture, a vendor's trailer)
            // is dropped with it.
            EOI => {
                out.extend_from_slice(&[0xff, EOI]);
                break;
            }
            SOI | 0x00 => return Err(Malformed),
            0x01 | 0xd0..=0xd7 => {
                out.extend_from_slice(&[0xff, code]);
                continue;
            }
            _ => {}
        }
        let len = match data.get(i..i + 2) {
            Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(Malformed),
        };
        let segment = data.get(i..i + len).filter(|_| len >= 2).ok_or(Malformed)?;
        let body = &segment[2..];
        if code == APP1
            && let Some(tiff) = body.strip_prefix(b"Exif\0\0")
        {
            orientation = orientation.or(Orientation::from_exif_chunk(tiff));
        }
        if keep_jpeg_segment(code, body) {
            out.extend_from_slice(&[0xff, code]);
            out.extend_from_slice(segment);
            if first_segment && code == APP0 {
                orientation_at = out.len();
            }
        }
        first_segment = false;
        i += len;
        if code == SOS {
            i = copy_scan(data, i, &mut out);
            if i >= data.len() {
                break; // no EOI: kept as sent, for the decoder to judge
            }
        }
    }
    if let Some(o) = orientation.filter(|o| *o != Orientation::NoTransforms) {
        out.splice(orientation_at..orientation_at, orientation_segment(o));
    }
    Ok(out)
}

/// Copies entropy-coded data from `start` up to the next marker (a 0xFF that is not a stuffed
/// 0xFF00, a restart marker or fill) and returns where that marker is.
fn copy_scan(data: &[u8], start: usize, out: &mut Vec<u8>) -> usize {
    let mut i = start;
    while let Some(p) = data[i..].iter().position(|&b| b == 0xff) {
        let at = i + p;
        match data.get(at + 1) {
            Some(0x00 | 0xd0..=0xd7) => i = at + 2,
            Some(0xff) => i = at + 1,
            Some(_) => {
                out.extend_from_slice(&data[start..at]);
                return at;
            }
            None => break,
        }
    }
    out.extend_from_slice(&data[start..]);
    data.len()
}

/// An APP1 EXIF block holding the orientation tag and nothing else (big-endian TIFF, one IFD
/// of one SHORT entry).
fn orientation_segment(o: Orientation) -> Vec<u8> {
    let mut s = vec![0xff, APP1, 0, 34];
    s.extend_from_slice(b"Exif\0\0");
    s.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // byte order, magic, first IFD at 8
    s.extend_from_slice(&[0, 1]); // one entry
    s.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o.to_exif(), 0, 0]);
    s.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    s
}

/// PNG chunks that stay: the critical ones, transparency, colour (gamma, chromaticities, sRGB,
/// ICC, CICP, HDR metadata), significant bits, pixel size, background, histogram and the
/// animation chunks. Text (`tEXt`, `zTXt`, `iTXt`, where XMP lives), `eXIf` and `tIME` go,
/// with any chunk not known here.
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP",
    b"mDCV", b"mDCv", b"cLLI", b"cLLi", b"sBIT", b"pHYs", b"bKGD", b"hIST", b"acTL", b"fcTL",
    b"fdAT",
];

fn png(data: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(data.get(..8).ok_or(Malformed)?);
    let mut i = 8;
    loop {
        let len = u32::from_be_bytes(be4(data, i)?) as usize;
        let kind = be4(data, i + 4)?;
        // length, type, data, CRC: each chunk carries its own CRC, so dropping one is lossless.
        let end = i.checked_add(12 + len).ok_or(Malformed)?;
        let chunk = data.get(i..end).ok_or(Malformed)?;
        if PNG_KEEP.contains(&&kind) {
            out.extend_from_slice(chunk);
        }
        i = end;
        if &kind == b"IEND" {
            return Ok(out);
        }
    }
}

fn be4(data: &[u8], at: usize) -> Result<[u8; 4], Malformed> {
    data.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .ok_or(Malformed)
}

/// WebP chunks that stay: the image (`VP8 `, `VP8L`, alpha), the extended header, animation
/// and the ICC profile. `EXIF` and `XMP ` go, and their flags in `VP8X` are cleared.
const WEBP_KEEP: &[&[u8; 4]] = &[
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

fn webp(data: &[u8]) -> Result<Vec<u8>, Malformed> {
    let riff = u32::from_le_bytes(be4(data, 4)?) as usize;
    let end = riff.checked_add(8).ok_or(Malformed)?;
    if end > data.len() || data.get(8..12) != Some(b"WEBP") {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(end);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut i = 12;
    while i < end {
        let kind = be4(data, i)?;
        let size = u32::from_le_bytes(be4(data, i + 4)?) as usize;
        // Chunks are padded to an even size; a writer that left off the last pad byte is let be.
        let next = (i + 8).checked_add(size + (size & 1)).ok_or(Malformed)?;
        let chunk = data.get(i..next.min(end)).ok_or(Malformed)?;
        if chunk.len() < 8 + size {
            return Err(Malformed);
        }
        if WEBP_KEEP.contains(&&kind) {
            out.extend_from_slice(chunk);
        }
        i = next;
    }
    if out.get(12..16) == Some(b"VP8X")
        && let Some(flags) = out.get_mut(20)
    {
        *flags &= !(VP8X_EXIF | VP8X_XMP);
    }
    let riff = u32::try_from(out.len() - 8).map_err(|_| Malformed)?;
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::images;

    #[test]
    fn a_jpeg_loses_its_location_and_keeps_its_orientation_and_pixels() {
        let plain = images::jpeg(64, 48);
        let tagged = images::with_gps_exif(&plain, 6);
        assert!(images::has_gps(&tagged));
        let stripped = strip(ContentType::Jpeg, &tagged).unwrap();
        assert!(!images::has_gps(&stripped));
        assert!(
            !stripped.windows(4).any(|w| w == b"http"),
            "XMP left behind"
        );
        let exif = images::exif_of(&stripped).unwrap();
        assert_eq!(
            Orientation::from_exif_chunk(exif),
            Some(Orientation::Rotate90)
        );
        // The image data is the same bytes as before tagging.
        assert_eq!(images::pixels(&stripped), images::pixels(&plain));
        // A plain photo comes out as it went in.
        assert_eq!(strip(ContentType::Jpeg, &plain).unwrap(), plain);
    }

    #[test]
    fn what_follows_a_jpeg_is_dropped_and_broken_ones_are_refused() {
        let mut trailer = images::jpeg(16, 16);
        let len = trailer.len();
        trailer.extend_from_slice(b"\xff\xd8\xff\xe1 a second picture with GPS");
        assert_eq!(strip(ContentType::Jpeg, &trailer).unwrap().len(), len);
        for bad in [
            &b"\xff\xd8"[..],
            b"\xff\xd8\xff\xe1\x00\x40Exif",
            b"\xff\xd8\x00\x00",
        ] {
            assert_eq!(strip(ContentType::Jpeg, bad), Err(Malformed));
        }
    }

    #[test]
    fn png_and_webp_lose_their_metadata_chunks() {
        let png = images::png_with_exif_and_text(8, 8);
        assert!(images::has_gps(&png));
        let stripped = strip(ContentType::Png, &png).unwrap();
        assert!(!images::has_gps(&stripped));
        assert!(image::load_from_memory(&stripped).is_ok());

        let webp = images::webp_with_exif(8, 8);
        assert!(images::has_gps(&webp));
        let stripped = strip(ContentType::Webp, &webp).unwrap();
        assert!(!images::has_gps(&stripped));
        assert_eq!(stripped[20] & (VP8X_EXIF | VP8X_XMP), 0);
        let decoded = image::load_from_memory(&stripped).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (8, 8));
    }
}
