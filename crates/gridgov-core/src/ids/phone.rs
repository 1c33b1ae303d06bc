//! Mainland China phone numbers: mobiles and landlines, in one stored form each.
//!
//! Mobiles have 11 digits starting with 13–19. Landlines have a trunk `0`, an area code and a
//! 7- or 8-digit local number. The area code's length follows from its first digit: `10` and
//! `20`–`29` (Beijing and the largest cities) have two digits, all others three, so a number
//! written without separators still splits unambiguously. Stored as `13812345678` and
//! `0714-6251234`, with an extension as `0714-6251234-123`.

use crate::error::FieldError;

/// Longest stored form: 4-character area code, `-`, 8 digits, `-`, 6-digit extension.
const MAX_LEN: usize = 20;
/// Longest extension kept; switchboards use up to five or six digits.
const MAX_EXTENSION: usize = 6;
/// More digits than any accepted input holds (country code, area code, number, extension).
const MAX_DIGITS: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A checked mainland phone number in its stored form.
///
/// Held inline (no heap). `Debug` shows the masked form so numbers do not end up in logs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Phone {
    buf: [u8; MAX_LEN],
    len: u8,
    kind: PhoneKind,
}

impl Phone {
    /// Parses a mobile or landline number as people write them: `138 1234 5678`,
    /// `+86 138-1234-5678`, `0086 13812345678`, `86-13812345678`, `0714-6251234`,
    /// `(0714) 625 1234`, `07146251234-123`, `0714-6251234转123`, `+86 714 6251234`.
    pub fn parse(field: &str, input: &str) -> Result<Phone, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "电话号码不能为空",
                "the phone number is required",
            ));
        }
        let (main, marked_ext) = match s.split_once('转') {
            Some((main, ext)) => (main, Some(parse_extension(field, s, ext)?)),
            None => (s, None),
        };
        let (rest, international) = strip_country_code(field, s, main)?;
        let digits = Digits::collect(rest).ok_or_else(|| bad_chars(field, s))?;
        if digits.overflow {
            return Err(bad_phone(field, s));
        }
        let mut d = digits.as_slice();
        // `8613812345678`: a country code written without `+` or separator. Only taken when a
        // mobile follows; no domestic number has 13 digits, so nothing else reads this way.
        if !international && d.len() == 13 && d.starts_with(b"86") && is_mobile_shape(&d[2..]) {
            d = &d[2..];
        }
        if is_mobile_shape(d) {
            if marked_ext.is_some() {
                return Err(bad_mobile(field, s));
            }
            return Ok(Phone::stored(PhoneKind::Mobile, &[d]));
        }
        match d.first() {
            Some(b'1') if !international => Err(bad_mobile(field, s)),
            Some(b'0') => landline(field, s, d, digits.groups(), marked_ext),
            // After a country code the trunk 0 is dropped: +86 714 6251234, +86 10 12345678.
            Some(_) if international => {
                let mut with_trunk = [0u8; MAX_DIGITS + 1];
                with_trunk[0] = b'0';
                with_trunk[1..=d.len()].copy_from_slice(d);
                // Group positions move one on with the trunk 0 put in front.
                let groups = digits.groups().map(|(last, before)| (last + 1, before + 1));
                landline(field, s, &with_trunk[..=d.len()], groups, marked_ext)
            }
            _ => Err(bad_phone(field, s)),
        }
    }

    fn stored(kind: PhoneKind, parts: &[&[u8]]) -> Phone {
        let mut buf = [0u8; MAX_LEN];
        let mut len = 0;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                buf[len] = b'-';
                len += 1;
            }
            buf[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        Phone {
            buf,
            len: len as u8,
            kind,
        }
    }

    /// The stored form: `13812345678`, `0714-6251234`, `0714-6251234-123`.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and '-' are ever stored, so this never falls back.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    pub fn is_mobile(&self) -> bool {
        self.kind == PhoneKind::Mobile
    }

    /// A landline's area code with its trunk 0 (`0714`).
    pub fn area_code(&self) -> Option<&str> {
        match self.kind {
            PhoneKind::Mobile => None,
            PhoneKind::Landline => self.as_str().split('-').next(),
        }
    }

    /// A landline's local number without area code or extension (`6251234`).
    pub fn local_number(&self) -> Option<&str> {
        match self.kind {
            PhoneKind::Mobile => None,
            PhoneKind::Landline => self.as_str().split('-').nth(1),
        }
    }

    pub fn extension(&self) -> Option<&str> {
        match self.kind {
            PhoneKind::Mobile => None,
            PhoneKind::Landline => self.as_str().split('-').nth(2),
        }
    }

    /// Mobiles keep the first three and last four digits (`138****5678`); landlines keep the
    /// area code and the last four digits of the local number (`0714-***1234`). An extension
    /// is left out: it says nothing once the number is hidden.
    pub fn masked(&self) -> String {
        let s = self.as_str();
        match (self.kind, self.area_code(), self.local_number()) {
            (PhoneKind::Landline, Some(area), Some(local)) => {
                let hidden = local.len().saturating_sub(4);
                format!("{area}-{}{}", "*".repeat(hidden), &local[hidden..])
            }
            _ => format!("{}****{}", &s[..3], &s[s.len() - 4..]),
        }
    }
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// Removes `+86`, `0086`, `86-` or `86 ` from the front; other international prefixes are
/// foreign numbers.
fn strip_country_code<'a>(
    field: &str,
    whole: &str,
    s: &'a str,
) -> Result<(&'a str, bool), FieldError> {
    let intl = if let Some(r) = s.strip_prefix('+') {
        Some(r.trim_start())
    } else {
        s.strip_prefix("00")
    };
    if let Some(r) = intl {
        return match r.strip_prefix("86") {
            Some(r) => Ok((r, true)),
            None => Err(FieldError::new(
                field,
                "not_mainland",
                format!("不是中国大陆的电话号码: {whole}"),
                format!("not a mainland China phone number: {whole}"),
            )),
        };
    }
    match s.strip_prefix("86") {
        Some(r) if r.starts_with(['-', ' ']) => Ok((r, true)),
        _ => Ok((s, false)),
    }
}

fn is_mobile_shape(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && matches!(d[1], b'3'..=b'9')
}

/// Checks and stores a landline. `d` starts with the trunk 0. `groups` tells where the last
/// group of digits after a `-` starts and where the group before it starts, which is how a
/// dash extension (`0714-6251234-123`) is told from a dash inside the number (`010-1234-5678`).
fn landline(
    field: &str,
    whole: &str,
    d: &[u8],
    groups: Option<(usize, usize)>,
    marked_ext: Option<&[u8]>,
) -> Result<Phone, FieldError> {
    let area_len = match d.get(1) {
        Some(b'1' | b'2') => 3,
        Some(b'3'..=b'9') => 4,
        _ => return Err(bad_landline(field, whole)),
    };
    let mut local = d.get(area_len..).unwrap_or_default();
    let mut ext = marked_ext;
    // A dash extension: the digits between the area code and the last dash make a whole local
    // number written as one group. `0714-625-1234` and `010-8234-5678` split the local number
    // instead, and nobody splits one as `0714-6251234-8`, so that reads as extension 8.
    if ext.is_none()
        && let Some((last, before)) = groups
        && before <= area_len
        && last
            .checked_sub(area_len)
            .is_some_and(|n| (7..=8).contains(&n))
        && (1..=MAX_EXTENSION).contains(&(d.len() - last))
    {
        local = &d[area_len..last];
        ext = Some(&d[last..]);
    }
    if !(7..=8).contains(&local.len()) || !matches!(local[0], b'2'..=b'9') {
        return Err(bad_landline(field, whole));
    }
    let area = &d[..area_len];
    Ok(match ext {
        Some(ext) => Phone::stored(PhoneKind::Landline, &[area, local, ext]),
        None => Phone::stored(PhoneKind::Landline, &[area, local]),
    })
}

/// Digits after `转`: 1–6 of them, spaces around allowed.
fn parse_extension<'a>(field: &str, whole: &str, ext: &'a str) -> Result<&'a [u8], FieldError> {
    let e = ext.trim().as_bytes();
    if (1..=MAX_EXTENSION).contains(&e.len()) && e.iter().all(u8::is_ascii_digit) {
        Ok(e)
    } else {
        Err(FieldError::new(
            field,
            "bad_extension",
            format!("分机号应为1到{MAX_EXTENSION}位数字: {whole}"),
            format!("an extension has 1 to {MAX_EXTENSION} digits: {whole}"),
        ))
    }
}

/// The digits of a number with its separators (spaces, `-`, brackets around the area code)
/// dropped, remembering where the last two groups began.
struct Digits {
    buf: [u8; MAX_DIGITS],
    len: usize,
    /// Start of the last group, when a `-` opened it.
    last_dash_group: Option<usize>,
    /// Start of the group before the last one.
    before_last: usize,
    /// More digits than [`MAX_DIGITS`]: no phone number, whatever the digits are.
    overflow: bool,
}

impl Digits {
    fn collect(s: &str) -> Option<Digits> {
        let mut d = Digits {
            buf: [0; MAX_DIGITS],
            len: 0,
            last_dash_group: None,
            before_last: 0,
            overflow: false,
        };
        let (mut last_start, mut pending_sep, mut dash) = (0, false, false);
        for c in s.bytes() {
            match c {
                b'0'..=b'9' => {
                    if d.len == MAX_DIGITS {
                        d.overflow = true;
                        continue;
                    }
                    if pending_sep && d.len > 0 {
                        d.before_last = last_start;
                        last_start = d.len;
                        d.last_dash_group = dash.then_some(d.len);
                    }
                    pending_sep = false;
                    dash = false;
                    d.buf[d.len] = c;
                    d.len += 1;
                }
                b' ' | b'-' | b'(' | b')' => {
                    pending_sep = true;
                    dash |= c == b'-';
                }
                _ => return None,
            }
        }
        Some(d)
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// `(start of the last group, start of the group before)` when a `-` opened the last group.
    fn groups(&self) -> Option<(usize, usize)> {
        Some((self.last_dash_group?, self.before_last))
    }
}

fn bad_phone(field: &str, whole: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_phone",
        format!("不是有效的电话号码: {whole}（手机号以1开头，固定电话以区号0开头）"),
        format!("not a phone number: {whole} (mobiles start with 1, landlines with a 0 area code)"),
    )
}

fn bad_chars(field: &str, whole: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_chars",
        format!("电话号码只能包含数字、空格、-、括号和“转”: {whole}"),
        format!(
            "a phone number has only digits, spaces, '-', brackets and 转 (extension): {whole}"
        ),
    )
}

fn bad_mobile(field: &str, whole: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_mobile",
        format!("手机号应为11位、以13–19开头且无分机: {whole}"),
        format!("a mobile number has 11 digits starting with 13–19 and no extension: {whole}"),
    )
}

fn bad_landline(field: &str, whole: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_landline",
        format!("固定电话应为区号加7或8位号码: {whole}"),
        format!("a landline is an area code and a 7- or 8-digit number: {whole}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Phone::parse("phone", s).unwrap().as_str().to_owned()
    }

    fn code(s: &str) -> &'static str {
        Phone::parse("phone", s).unwrap_err().code
    }

    #[test]
    fn mobiles_in_every_written_form() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+8613812345678",
            "+86 138 1234 5678",
            "+86-138-1234-5678",
            "008613812345678",
            "0086 13812345678",
            "86-13812345678",
            "86 13812345678",
            "8613812345678",
        ] {
            assert_eq!(ok(s), "13812345678", "{s}");
            assert!(Phone::parse("phone", s).unwrap().is_mobile());
        }
        for s in ["13012345678", "19912345678", "16612345678"] {
            assert_eq!(ok(s), s);
        }
    }

    #[test]
    fn bad_mobiles_are_rejected() {
        for s in ["12812345678", "1381234567", "138123456789", "11012345678"] {
            assert_eq!(code(s), "bad_mobile", "{s}");
        }
        assert_eq!(code("13812345678转12"), "bad_mobile");
    }

    #[test]
    fn landlines_take_one_stored_form() {
        for (s, stored) in [
            ("0714-6251234", "0714-6251234"),
            ("07146251234", "0714-6251234"),
            ("0714 625 1234", "0714-6251234"),
            ("(0714)6251234", "0714-6251234"),
            ("(0714) 625-1234", "0714-6251234"),
            ("010-62345678", "010-62345678"),
            ("01082345678", "010-82345678"),
            ("010-8234-5678", "010-82345678"),
            ("027-87654321", "027-87654321"),
            ("+86 714 6251234", "0714-6251234"),
            ("+86-10-82345678", "010-82345678"),
            ("+86 (0)714 6251234", "0714-6251234"),
            ("0086 27 87654321", "027-87654321"),
        ] {
            let p = Phone::parse("phone", s).unwrap();
            assert_eq!(p.as_str(), stored, "{s}");
            assert_eq!(p.kind(), PhoneKind::Landline);
            assert_eq!(p.extension(), None);
        }
        let p = Phone::parse("phone", "0714-6251234").unwrap();
        assert_eq!(p.area_code(), Some("0714"));
        assert_eq!(p.local_number(), Some("6251234"));
    }

    #[test]
    fn extensions_after_a_dash_or_zhuan() {
        for (s, stored) in [
            ("0714-6251234-123", "0714-6251234-123"),
            ("07146251234-8", "0714-6251234-8"),
            ("0714-6251234转123", "0714-6251234-123"),
            ("0714-6251234 转 123", "0714-6251234-123"),
            ("010-82345678-5", "010-82345678-5"),
            ("010 82345678-123456", "010-82345678-123456"),
            ("+86 714 6251234-123", "0714-6251234-123"),
        ] {
            let p = Phone::parse("phone", s).unwrap();
            assert_eq!(p.as_str(), stored, "{s}");
        }
        assert_eq!(
            Phone::parse("phone", "0714-6251234-123")
                .unwrap()
                .extension(),
            Some("123")
        );
        assert_eq!(code("0714-6251234转"), "bad_extension");
        assert_eq!(code("0714-6251234转1234567"), "bad_extension");
        assert_eq!(code("0714-6251234转12a"), "bad_extension");
        // A dash inside a split local number is not an extension.
        assert_eq!(code("0714-625-1234-12"), "bad_landline");
        assert_eq!(code("0714-6251234-1234567"), "bad_landline");
    }

    #[test]
    fn bad_landlines_and_foreign_numbers_are_rejected() {
        assert_eq!(code("0714-625123"), "bad_landline");
        assert_eq!(code("0714-625123456"), "bad_landline");
        assert_eq!(code("0714-1251234"), "bad_landline");
        assert_eq!(code("0714-0251234"), "bad_landline");
        assert_eq!(code("0"), "bad_landline");
        assert_eq!(code("+852 2123 4567"), "not_mainland");
        assert_eq!(code("001 212 555 0100"), "not_mainland");
        assert_eq!(code("6251234"), "bad_phone");
        assert_eq!(code("8612812345678"), "bad_phone");
        assert_eq!(code("138-1234-567a"), "bad_chars");
        assert_eq!(code("138.1234.5678"), "bad_chars");
        assert_eq!(code("1".repeat(30).as_str()), "bad_phone");
        assert_eq!(code(""), "required");
        let e = Phone::parse("contact_phone", "0714-62512").unwrap_err();
        assert_eq!(e.field, "contact_phone");
        assert!(e.zh.contains("0714-62512") && e.en.contains("0714-62512"));
    }

    #[test]
    fn odd_separators_never_panic() {
        assert_eq!(ok("0-7146251234"), "0714-6251234");
        assert_eq!(ok("+86-714 6251234"), "0714-6251234");
        // Pseudo-random strings over the characters the parser treats specially.
        let alphabet: Vec<char> = "0123456789-+() 转x86".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            let mut s = String::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(state >> 59) + 6 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            if let Ok(p) = Phone::parse("phone", &s) {
                // Whatever parsed reparses to itself.
                assert_eq!(Phone::parse("phone", p.as_str()).unwrap(), p, "{s}");
                let _ = p.masked();
            }
        }
    }

    #[test]
    fn masks_hide_the_middle() {
        let m = |s: &str| Phone::parse("phone", s).unwrap().masked();
        assert_eq!(m("13812345678"), "138****5678");
        assert_eq!(m("0714-6251234"), "0714-***1234");
        assert_eq!(m("010-82345678-123"), "010-****5678");
        assert_eq!(
            format!("{:?}", Phone::parse("phone", "13812345678").unwrap()),
            "Phone(138****5678)"
        );
    }
}
