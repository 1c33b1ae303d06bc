//! Calendar dates as people and spreadsheets write them.
//!
//! Core carries no date library, so a date is a plain `(year, month, day)` triple ([`Ymd`]);
//! tuples compare in calendar order, which is all the checks here need.

use crate::error::FieldError;

/// A calendar date as `(year, month, day)`, month and day counted from 1.
pub type Ymd = (i32, u32, u32);

/// The calendar date in China (UTC+8, no daylight saving) at a Unix time in milliseconds: what
/// "today" means for birth dates and move-in dates.
pub fn china_date_of_ms(unix_ms: i64) -> Ymd {
    let days = (unix_ms + 8 * 3_600_000).div_euclid(86_400_000);
    civil_from_days(days)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> Ymd {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Days from 1970-01-01 to a proleptic Gregorian date, the inverse of [`civil_from_days`]
/// (H. Hinnant's `days_from_civil`). The triple is not checked; callers pass valid dates.
pub fn days_from_civil((y, m, d): Ymd) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Day of the week of a day number from 1970-01-01: 0 for Monday through 6 for Sunday
/// (1970-01-01 was a Thursday).
pub fn weekday_of_days(days: i64) -> u32 {
    (days + 3).rem_euclid(7) as u32
}

/// Gregorian leap year.
pub fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of a year; 0 for a month outside 1–12.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether the triple names a day of the Gregorian calendar (years from 1 on).
pub fn is_valid_date(y: i32, m: u32, d: u32) -> bool {
    y >= 1 && d >= 1 && d <= days_in_month(y, m)
}

/// `2024-03-05`: how dates appear in messages, whatever form they were typed in.
pub fn format_ymd((y, m, d): Ymd) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Largest plain number read as an Excel serial day (2064-04-08). Longer digit strings are
/// `yyyymmdd`, so the two readings never overlap.
pub const EXCEL_SERIAL_MAX: u32 = 60_000;

/// Parses a date in the forms imports bring: `2024-03-05`, `2024/3/5`, `2024.3.5`, `20240305`,
/// `2024年3月5日` (the 日 may be missing), and Excel serial day numbers up to
/// [`EXCEL_SERIAL_MAX`], which a spreadsheet exports when a date cell lost its format.
/// A time of day after a space or `T` (`2024-03-05 00:00:00`, as database exports write it) is
/// ignored. The calendar is checked: `2023-02-29` and month 13 are rejected.
///
/// A bare year such as `2024` is a number below the serial limit and reads as the serial day
/// 1905-07-16; columns that may hold bare years need their own reading before this one.
pub fn parse_date(field: &str, input: &str) -> Result<Ymd, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "日期不能为空",
            "the date is required",
        ));
    }
    let date = strip_time(s).ok_or_else(|| bad_format(field, s))?;
    let b = date.as_bytes();
    let ymd = if b.iter().all(u8::is_ascii_digit) {
        match b.len() {
            8 => (digits(&b[..4]) as i32, digits(&b[4..6]), digits(&b[6..8])),
            1..=5 => return from_excel_serial(field, digits(b)),
            _ => return Err(bad_format(field, s)),
        }
    } else {
        separated(date).ok_or_else(|| bad_format(field, s))?
    };
    if !is_valid_date(ymd.0, ymd.1, ymd.2) {
        return Err(FieldError::new(
            field,
            "bad_date",
            format!("日期不存在: {s}"),
            format!("no such day in the calendar: {s}"),
        ));
    }
    Ok(ymd)
}

/// The date part of `date[ T]time`; `None` when the part after the separator is not a time.
fn strip_time(s: &str) -> Option<&str> {
    let Some(i) = s.find([' ', 'T']) else {
        return Some(s);
    };
    let time = s[i + 1..].trim_start();
    let is_time = time.bytes().next().is_some_and(|c| c.is_ascii_digit())
        && time
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b':' || c == b'.');
    is_time.then(|| s[..i].trim_end())
}

/// `yyyy-m-d`, `yyyy/m/d`, `yyyy.m.d` (one separator throughout) or `yyyy年m月d[日]`.
fn separated(s: &str) -> Option<Ymd> {
    let (y, rest) = take_digits(s, 4, 4)?;
    let (m, rest, d_sep) = if let Some(r) = rest.strip_prefix('年') {
        let (m, r) = take_digits(r, 1, 2)?;
        (m, r.strip_prefix('月')?, None)
    } else {
        let sep = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '/' | '.'))?;
        let (m, r) = take_digits(&rest[1..], 1, 2)?;
        (m, r.strip_prefix(sep)?, Some(sep))
    };
    let (d, rest) = take_digits(rest, 1, 2)?;
    let done = match d_sep {
        None => rest.is_empty() || rest == "日",
        Some(_) => rest.is_empty(),
    };
    done.then_some((y as i32, m, d))
}

/// Reads `min..=max` leading ASCII digits; `None` when there are fewer or more.
fn take_digits(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (min..=max)
        .contains(&n)
        .then(|| (digits(&s.as_bytes()[..n]), &s[n..]))
}

/// Value of a short run of ASCII digits (callers pass at most eight).
fn digits(b: &[u8]) -> u32 {
    b.iter()
        .fold(0, |acc, c| acc * 10 + u32::from(c.wrapping_sub(b'0')))
}

/// Excel's 1900 date system: day 1 is 1900-01-01, and day 60 is the 1900-02-29 that Lotus 1-2-3
/// invented and Excel kept, so from day 61 on the count runs one ahead of the calendar.
fn from_excel_serial(field: &str, serial: u32) -> Result<Ymd, FieldError> {
    if serial == 60 {
        return Err(FieldError::new(
            field,
            "bad_date",
            "Excel日期序号60对应不存在的1900-02-29",
            "Excel serial day 60 is 1900-02-29, which does not exist",
        ));
    }
    if serial == 0 || serial > EXCEL_SERIAL_MAX {
        return Err(FieldError::new(
            field,
            "bad_date",
            format!("Excel日期序号应在1到{EXCEL_SERIAL_MAX}之间: {serial}"),
            format!("an Excel serial day lies between 1 and {EXCEL_SERIAL_MAX}: {serial}"),
        ));
    }
    let mut rest = if serial < 60 { serial - 1 } else { serial - 2 };
    // At most 165 years to step over; a loop is plainly right and cheap at this size.
    let mut y = 1900;
    loop {
        let len = if is_leap_year(y) { 366 } else { 365 };
        if rest < len {
            break;
        }
        rest -= len;
        y += 1;
    }
    let mut m = 1;
    while rest >= days_in_month(y, m) {
        rest -= days_in_month(y, m);
        m += 1;
    }
    Ok((y, m, rest + 1))
}

fn bad_format(field: &str, s: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_date_format",
        format!("无法识别的日期: {s}（可用 2024-03-05、2024/3/5、20240305、2024年3月5日）"),
        format!("not a date: {s} (use 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Ymd {
        parse_date("d", s).unwrap()
    }

    fn code(s: &str) -> &'static str {
        parse_date("d", s).unwrap_err().code
    }

    #[test]
    fn every_written_form_reads_the_same_day() {
        for s in [
            "2024-03-05",
            "2024-3-5",
            "2024/3/5",
            "2024/03/05",
            "2024.3.5",
            "20240305",
            "2024年3月5日",
            "2024年03月05日",
            "2024年3月5",
            " 2024-03-05 ",
            "2024-03-05 00:00:00",
            "2024-03-05T08:30",
            "2024/3/5 8:30:00.000",
        ] {
            assert_eq!(ok(s), (2024, 3, 5), "{s}");
        }
    }

    #[test]
    fn mixed_or_partial_forms_are_rejected() {
        for s in [
            "2024-03/05",
            "24-3-5",
            "2024-003-05",
            "2024-03",
            "2024年3月",
            "2024年3-5",
            "2024-03-05日",
            "March 5, 2024",
            "2024-03-05 noon",
            "202403051",
            "2024０3０5",
        ] {
            assert_eq!(code(s), "bad_date_format", "{s}");
        }
        assert_eq!(code("  "), "required");
    }

    #[test]
    fn the_calendar_is_checked() {
        assert_eq!(ok("2024-02-29"), (2024, 2, 29));
        assert_eq!(ok("2000-02-29"), (2000, 2, 29));
        assert_eq!(code("2023-02-29"), "bad_date");
        assert_eq!(code("1900-02-29"), "bad_date");
        assert_eq!(code("2024-02-30"), "bad_date");
        assert_eq!(code("2024-13-01"), "bad_date");
        assert_eq!(code("2024-00-10"), "bad_date");
        assert_eq!(code("2024-04-31"), "bad_date");
        assert_eq!(code("20240100"), "bad_date");
        assert_eq!(code("0000-01-01"), "bad_date");
        let e = parse_date("birth_date", "2023-02-29").unwrap_err();
        assert_eq!(e.field, "birth_date");
        assert!(e.zh.contains("2023-02-29") && e.en.contains("2023-02-29"));
    }

    #[test]
    fn excel_serial_days_follow_the_1900_system() {
        assert_eq!(ok("45000"), (2023, 3, 15));
        assert_eq!(ok("1"), (1900, 1, 1));
        assert_eq!(ok("59"), (1900, 2, 28));
        assert_eq!(ok("61"), (1900, 3, 1));
        assert_eq!(ok("36526"), (2000, 1, 1));
        assert_eq!(ok("44927"), (2023, 1, 1));
        assert_eq!(ok("60000"), (2064, 4, 8));
        assert_eq!(code("60"), "bad_date");
        assert_eq!(code("0"), "bad_date");
        assert_eq!(code("60001"), "bad_date");
        assert_eq!(code("600000"), "bad_date_format");
    }

    #[test]
    fn excel_serials_agree_with_a_day_count_from_the_epoch() {
        // Independent reading: days since 1899-12-30 (Excel's effective epoch after day 60),
        // counted through a calendar walk one day at a time.
        let (mut y, mut m, mut d) = (1900, 3, 1);
        for serial in 61..=EXCEL_SERIAL_MAX {
            assert_eq!(ok(&serial.to_string()), (y, m, d), "serial {serial}");
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn odd_input_never_panics() {
        // Pseudo-random strings over the characters the parser treats specially.
        let alphabet: Vec<char> = "0123456789-/.年月日 T:".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for _ in 0..100_000 {
            let len = 4 + next() % 12;
            let s: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            if let Ok((y, m, d)) = parse_date("d", &s) {
                assert!(is_valid_date(y, m, d), "{s}");
            }
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2024, 13), 0);
        assert_eq!(format_ymd((2024, 3, 5)), "2024-03-05");
    }

    #[test]
    fn dates_from_unix_time() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2026-11-23 08:00 in Shanghai is 00:00 UTC; 2026-11-22 16:00 UTC is midnight there.
        assert_eq!(china_date_of_ms(1_795_392_000_000), (2026, 11, 23));
        assert_eq!(china_date_of_ms(1_795_363_200_000), (2026, 11, 23));
        assert_eq!(china_date_of_ms(1_795_363_199_999), (2026, 11, 22));
    }

    #[test]
    fn day_numbers_round_trip_and_know_the_weekday() {
        for days in -800_000..800_000 {
            assert_eq!(days_from_civil(civil_from_days(days)), days);
        }
        assert_eq!(days_from_civil((1970, 1, 1)), 0);
        assert_eq!(days_from_civil((2000, 3, 1)), 11_017);
        // 2024-02-29 was a Thursday, 2026-01-04 a Sunday.
        assert_eq!(weekday_of_days(days_from_civil((2024, 2, 29))), 3);
        assert_eq!(weekday_of_days(days_from_civil((2026, 1, 4))), 6);
        assert_eq!(weekday_of_days(-1), 2);
    }
}
