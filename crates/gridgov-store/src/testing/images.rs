//! Photos and files for attachment tests, made in the test: a JPEG with a GPS EXIF block spliced
//! in by hand, PNG and WebP files with metadata chunks, a PNG that declares a huge size, a PDF.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

/// 30°35'12.34" as three big-endian RATIONALs: the latitude in every GPS block made here, so a
/// test can look for it in what was stored.
pub const LATITUDE: [u8; 24] = [
    0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0, 35, 0, 0, 0, 1, 0, 0, 0x04, 0xd2, 0, 0, 0, 100,
];

/// Whether the bytes still say where they were taken: the EXIF latitude or XMP's GPS property.
pub fn has_gps(bytes: &[u8]) -> bool {
    contains(bytes, &LATITUDE) || contains(bytes, b"GPSLatitude")
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn gradient(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128])
    })
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&gradient(w, h))
        .unwrap();
    out
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(gradient(w, h).as_raw(), w, h, ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A lossless WebP in the simple format (one `VP8L` chunk).
pub fn webp(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(gradient(w, h).as_raw(), w, h, ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A big-endian TIFF block as EXIF carries it: IFD0 with the orientation and a pointer to a GPS
/// IFD with latitude and longitude.
pub fn gps_tiff(orientation: u8) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: two entries, 2 + 24 + 4 = 30 bytes; the GPS IFD follows at 38.
    t.extend_from_slice(&[0, 2]);
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
    t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    t.extend_from_slice(&[0, 0, 0, 0]);
    // GPS IFD at 38: four entries, 2 + 48 + 4 = 54 bytes; the rationals follow at 92 and 116.
    t.extend_from_slice(&[0, 4]);
    t.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 92]);
    t.extend_from_slice(&[0, 3, 0, 2, 0, 0, 0, 2, b'E', 0, 0, 0]);
    t.extend_from_slice(&[0, 4, 0, 5, 0, 0, 0, 3, 0, 0, 0, 116]);
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(&LATITUDE);
    // 114°18'0"
    t.extend_from_slice(&[
        0, 0, 0, 114, 0, 0, 0, 1, 0, 0, 0, 18, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
    assert_eq!(t.len(), 140);
    t
}

const XMP: &[u8] = b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description \
    exif:GPSLatitude=\"30,35.2057N\" exif:GPSLongitude=\"114,18.0E\"/></rdf:RDF></x:xmpmeta>";

fn jpeg_segment(code: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len() + 2).unwrap();
    let mut s = vec![0xff, code];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// The JPEG with, after its APP0, an EXIF block (this orientation and a GPS position), an XMP
/// block with the position again, and a comment, as phones and editors write them.
pub fn with_gps_exif(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&gps_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(XMP);
    let at = if jpeg[2..4] == [0xff, 0xe0] {
        4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]))
    } else {
        2
    };
    let mut out = jpeg[..at].to_vec();
    out.extend(jpeg_segment(0xe1, &exif));
    out.extend(jpeg_segment(0xe1, &xmp));
    out.extend(jpeg_segment(0xfe, b"taken at home"));
    out.extend_from_slice(&jpeg[at..]);
    out
}

/// The TIFF block of a JPEG's first EXIF segment.
pub fn exif_of(jpeg: &[u8]) -> Option<&[u8]> {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xff && jpeg[i + 1] != 0xda {
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        let body = &jpeg[i + 4..i + 2 + len];
        if jpeg[i + 1] == 0xe1
            && let Some(tiff) = body.strip_prefix(b"Exif\0\0")
        {
            return Some(tiff);
        }
        i += 2 + len;
    }
    None
}

/// A JPEG from its first scan on: the compressed pixels.
pub fn pixels(jpeg: &[u8]) -> &[u8] {
    let at = jpeg.windows(2).position(|w| w == [0xff, 0xda]).unwrap();
    &jpeg[at..]
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    c.extend_from_slice(&crc.sum().to_be_bytes());
    c
}

/// A PNG with an `eXIf` chunk (GPS) and XMP in an `iTXt` chunk after its header.
pub fn png_with_exif_and_text(w: u32, h: u32) -> Vec<u8> {
    let plain = png(w, h);
    let after_header = 8 + 25;
    let mut out = plain[..after_header].to_vec();
    out.extend(png_chunk(b"eXIf", &gps_tiff(1)));
    let mut itxt = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt.extend_from_slice(XMP);
    out.extend(png_chunk(b"iTXt", &itxt));
    out.extend_from_slice(&plain[after_header..]);
    out
}

/// A small PNG whose header declares `w`×`h`: a decompression bomb as far as a decoder that
/// trusts the header is concerned.
pub fn png_declaring(w: u32, h: u32) -> Vec<u8> {
    let mut p = png(4, 4);
    p[16..20].copy_from_slice(&w.to_be_bytes());
    p[20..24].copy_from_slice(&h.to_be_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&p[12..29]);
    let sum = crc.sum().to_be_bytes();
    p[29..33].copy_from_slice(&sum);
    p
}

fn riff_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = kind.to_vec();
    c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

/// A WebP in the extended format with `EXIF` (GPS) and `XMP ` chunks, flagged in `VP8X`.
pub fn webp_with_exif(w: u32, h: u32) -> Vec<u8> {
    let simple = webp(w, h);
    let mut vp8x = vec![0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    let mut body = b"WEBP".to_vec();
    body.extend(riff_chunk(b"VP8X", &vp8x));
    body.extend_from_slice(&simple[12..]);
    body.extend(riff_chunk(b"EXIF", &gps_tiff(1)));
    body.extend(riff_chunk(b"XMP ", XMP));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    out.extend(body);
    out
}

/// A one-page PDF, small but well formed enough for a viewer.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
      2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
      3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n\
      trailer<</Root 1 0 R>>\n%%EOF\n"
        .to_vec()
}

/// The start of a Linux executable, padded: what a renamed program looks like.
pub fn elf() -> Vec<u8> {
    let mut b = b"\x7fELF\x02\x01\x01\0".to_vec();
    b.resize(4096, 0);
    b
}

/// Decodes a stored photo, to look at its size.
pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}
