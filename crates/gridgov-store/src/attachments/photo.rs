//! A photo's size and thumbnail. The header is read first and the photo refused when it
//! declares more pixels than allowed, before a byte of pixels is decoded: a few hundred bytes
//! of PNG can declare 100,000 × 100,000 pixels, 40 GB once decoded. The decoder is bounded in
//! memory as well, and runs on a CPU slot ([`crate::cpu::run`]), never on the async threads.

use std::io::Cursor;

use gridgov_geo::Cancel;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use super::limits::AttachmentLimits;
use super::prepare::Failure;
use super::refusals;
use super::sniff::ContentType;

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 320;
/// JPEG quality of thumbnails: small files, no visible blocks at this size.
const THUMB_QUALITY: u8 = 80;

/// A photo's size as shown (turned by its orientation) and its thumbnail as JPEG.
#[derive(Debug)]
pub(crate) struct Photo {
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
}

pub(crate) fn thumbnail(
    t: ContentType,
    bytes: &[u8],
    name: &str,
    limits: &AttachmentLimits,
    cancel: &Cancel,
) -> Result<Photo, Failure> {
    let format = match t {
        ContentType::Jpeg => ImageFormat::Jpeg,
        ContentType::Png => ImageFormat::Png,
        ContentType::Webp => ImageFormat::WebP,
        _ => return Err(Failure::Internal(format!("{t:?} is not a photo"))),
    };
    let refused = |e: ImageError| {
        Failure::Refused(match e {
            ImageError::Limits(_) => refusals::needs_too_much_memory(name),
            _ => refusals::damaged(name),
        })
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = Limits::default();
    bounds.max_alloc = Some(limits.decode_bytes);
    reader.limits(bounds);
    // Reads the header only.
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > limits.photo_pixels {
        return Err(Failure::Refused(refusals::too_many_pixels(
            name,
            w,
            h,
            limits.photo_pixels,
        )));
    }
    if decoder.total_bytes() > limits.decode_bytes {
        return Err(Failure::Refused(refusals::needs_too_much_memory(name)));
    }
    let orientation = decoder.orientation().map_err(refused)?;
    cancelled(cancel)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(refused)?;
    cancelled(cancel)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    let small = if width.max(height) > THUMB_SIDE {
        img.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        img
    };
    cancelled(cancel)?;
    let mut thumb = Vec::new();
    JpegEncoder::new_with_quality(&mut thumb, THUMB_QUALITY)
        .encode_image(&on_white(&small))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(Photo {
        width,
        height,
        thumbnail: thumb,
    })
}

fn cancelled(cancel: &Cancel) -> Result<(), Failure> {
    cancel.check().map_err(|_| Failure::Cancelled)
}

/// JPEG has no transparency: transparent parts of a PNG or WebP are laid on white, as a page
/// would show them, rather than turning black.
fn on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::images;
    use gridgov_core::FieldError;

    fn thumb(t: ContentType, bytes: &[u8]) -> Result<Photo, Failure> {
        thumbnail(t, bytes, "p", &AttachmentLimits::default(), &Cancel::new())
    }

    #[test]
    fn thumbnails_fit_320_and_follow_the_orientation() {
        let p = thumb(ContentType::Png, &images::png(800, 400)).unwrap();
        assert_eq!((p.width, p.height), (800, 400));
        assert_eq!(images::dimensions(&p.thumbnail), (320, 160));
        // Orientation 6: held upright, so shown 400 wide and 800 high.
        let turned = super::super::strip::strip(
            ContentType::Jpeg,
            &images::with_gps_exif(&images::jpeg(800, 400), 6),
        )
        .unwrap();
        let p = thumb(ContentType::Jpeg, &turned).unwrap();
        assert_eq!((p.width, p.height), (400, 800));
        assert_eq!(images::dimensions(&p.thumbnail), (160, 320));
        // Small photos are not blown up.
        let p = thumb(ContentType::Webp, &images::webp(40, 30)).unwrap();
        assert_eq!(images::dimensions(&p.thumbnail), (40, 30));
    }

    #[test]
    fn bombs_are_refused_from_their_header() {
        let started = std::time::Instant::now();
        let Err(Failure::Refused(e)) =
            thumb(ContentType::Png, &images::png_declaring(100_000, 100_000))
        else {
            panic!("a bomb was decoded");
        };
        assert_eq!(e.code, "image_too_large");
        assert!(e.en.contains("100000×100000"), "{}", e.en);
        assert!(started.elapsed().as_millis() < 500);
    }

    #[test]
    fn damaged_photos_and_dropped_work_are_told_apart() {
        let mut cut = images::jpeg(64, 64);
        cut.truncate(200);
        assert!(matches!(
            thumb(ContentType::Jpeg, &cut),
            Err(Failure::Refused(FieldError {
                code: "damaged_file",
                ..
            }))
        ));
        let cancel = Cancel::new();
        cancel.cancel();
        let r = thumbnail(
            ContentType::Png,
            &images::png(8, 8),
            "p",
            &AttachmentLimits::default(),
            &cancel,
        );
        assert!(matches!(r, Err(Failure::Cancelled)));
    }
}
