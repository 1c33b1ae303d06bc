//! Dates as GeoReport v2 writes them: the W3C profile of ISO 8601 with its time zone required
//! (`2010-01-01T00:00:00Z`, `1994-11-05T08:15:30-05:00`; seconds and fractions optional).
//! Written by hand because core takes no date crate: the civil-day arithmetic is a few lines.

/// The offset answers are written in: China Standard Time, where every jurisdiction lies.
const OUT_OFFSET_MIN: i64 = 8 * 60;

/// Unix milliseconds of a W3C date-time, or `None` when it is not one (a date alone, no zone,
/// a field out of range).
pub fn parse_w3c(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let lit = |at: usize, c: u8| b.get(at) == Some(&c);
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if !(lit(4, b'-') && lit(7, b'-') && (lit(10, b'T') || lit(10, b't'))) {
        return None;
    }
    let (h, mi) = (num(11, 2)?, num(14, 2)?);
    if !lit(13, b':') {
        return None;
    }
    let mut at = 16;
    let mut sec = 0;
    let mut ms = 0;
    if lit(at, b':') {
        sec = num(at + 1, 2)?;
        at += 3;
        if lit(at, b'.') {
            let digits = b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 0 {
                return None;
            }
            let frac = num(at + 1, digits.min(3))?;
            ms = frac * 10_i64.pow(3 - digits.min(3) as u32);
            at += 1 + digits;
        }
    }
    let offset_min = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == at + 6 && lit(at + 3, b':') => {
            let (oh, om) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if *sign == b'-' { -m } else { m }
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms)
}

/// A Unix millisecond instant as W3C, in China Standard Time (`2026-12-07T09:15:00+08:00`).
pub fn format_w3c(ms: i64) -> String {
    let local = ms.div_euclid(1000) + OUT_OFFSET_MIN * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+08:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specs_examples_are_the_same_instant() {
        let a = parse_w3c("1994-11-05T08:15:30-05:00");
        let b = parse_w3c("1994-11-05T13:15:30Z");
        assert_eq!(a, Some(784_041_330_000));
        assert_eq!(a, b);
        assert_eq!(parse_w3c("2010-01-01T00:00:00Z"), Some(1_262_304_000_000));
        assert_eq!(parse_w3c("2010-01-01T08:00+08:00"), Some(1_262_304_000_000));
        assert_eq!(
            parse_w3c("2010-01-01T00:00:00.250Z"),
            Some(1_262_304_000_250)
        );
    }

    #[test]
    fn dates_without_a_zone_or_out_of_range_are_refused() {
        for bad in [
            "2010-01-01",
            "2010-01-01T00:00:00",
            "2010-13-01T00:00:00Z",
            "2010-02-30T00:00:00Z",
            "2010-01-01 00:00:00Z",
            "01/01/2010",
            "2010-01-01T24:00:00Z",
            "2010-01-01T00:00:00+0800",
            "",
        ] {
            assert_eq!(parse_w3c(bad), None, "{bad}");
        }
        assert!(parse_w3c("2024-02-29T00:00:00Z").is_some());
        assert!(parse_w3c("2023-02-29T00:00:00Z").is_none());
    }

    #[test]
    fn formatting_reads_back_as_the_same_instant() {
        for ms in [0, 1_262_304_000_000, 1_796_000_000_000, 951_782_400_000] {
            let s = format_w3c(ms);
            assert_eq!(parse_w3c(&s), Some(ms), "{s}");
        }
        assert_eq!(format_w3c(1_262_304_000_000), "2010-01-01T08:00:00+08:00");
    }
}
