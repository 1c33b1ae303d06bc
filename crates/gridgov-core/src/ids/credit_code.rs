//! Unified social credit codes (统一社会信用代码, GB 32100-2015) of companies, associations,
//! public institutions and other organisations.
//!
//! Eighteen characters over a 31-character alphabet (digits and capitals without I, O, Z, S, V,
//! which read like 1, 0, 2, 5, U): the registration authority (1), the organisation type (1), the
//! region code of registration (6 digits), the organisation code (9) and a check character.

use crate::error::FieldError;

/// The code's characters, each worth its position here.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the 17 body characters, 3^i mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Marks a byte outside the alphabet in [`VALUES`].
const NOT_IN_ALPHABET: u8 = u8::MAX;
/// Value of each ASCII byte, upper case only; lookups stay branch-light on long imports.
const VALUES: [u8; 128] = {
    let mut t = [NOT_IN_ALPHABET; 128];
    let mut i = 0;
    while i < ALPHABET.len() {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// A unified social credit code that passed its checks, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode([u8; 18]);

impl CreditCode {
    /// Parses a code; spaces around it are ignored and lower-case letters read as capitals.
    pub fn parse(field: &str, input: &str) -> Result<CreditCode, FieldError> {
        let s = input.trim();
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err(bad_length(field, s));
        }
        let mut code = [0u8; 18];
        let mut sum = 0u32;
        for (i, (out, &c)) in code.iter_mut().zip(b).enumerate() {
            let c = c.to_ascii_uppercase();
            let v = VALUES
                .get(usize::from(c))
                .copied()
                .unwrap_or(NOT_IN_ALPHABET);
            if v == NOT_IN_ALPHABET {
                return Err(bad_char(field, s));
            }
            if (2..8).contains(&i) && !c.is_ascii_digit() {
                return Err(FieldError::new(
                    field,
                    "bad_region",
                    format!("统一社会信用代码第3–8位应为行政区划代码（数字）: {s}"),
                    format!("characters 3–8 of a credit code are a region code, digits only: {s}"),
                ));
            }
            if let Some(w) = WEIGHTS.get(i) {
                sum += u32::from(v) * w;
            }
            *out = c;
        }
        let expected = ALPHABET[((31 - sum % 31) % 31) as usize];
        if code[17] != expected {
            let (expected, found) = (char::from(expected), char::from(code[17]));
            return Err(FieldError::new(
                field,
                "bad_check_char",
                format!("统一社会信用代码校验位错误: 第18位应为{expected}，实为{found}"),
                format!(
                    "wrong check character in the credit code: the 18th should be {expected}, not {found}"
                ),
            ));
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        // Only alphabet characters are ever stored, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The registration authority (1st character): `1` staffing offices, `5` civil affairs,
    /// `9` market regulation, and so on.
    pub fn registration_authority(&self) -> char {
        char::from(self.0[0])
    }

    /// The organisation type within its authority (2nd character).
    pub fn organisation_type(&self) -> char {
        char::from(self.0[1])
    }

    /// The region code of registration (characters 3–8).
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// The organisation code (characters 9–17), the former GB 11714 code where there was one.
    pub fn organisation_code(&self) -> &str {
        &self.as_str()[8..17]
    }
}

impl std::fmt::Display for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn bad_length(field: &str, s: &str) -> FieldError {
    if s.is_empty() {
        return FieldError::new(
            field,
            "required",
            "统一社会信用代码不能为空",
            "the credit code is required",
        );
    }
    let n = s.chars().count();
    if n == 18 {
        // Right count, but some characters take more than one byte: full-width letters, say.
        return bad_char(field, s);
    }
    FieldError::new(
        field,
        "bad_length",
        format!("统一社会信用代码应为18位，实为{n}位"),
        format!("a credit code has 18 characters, not {n}"),
    )
}

fn bad_char(field: &str, s: &str) -> FieldError {
    let (pos, c) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| {
            !c.is_ascii() || VALUES[usize::from(c.to_ascii_uppercase() as u8)] == NOT_IN_ALPHABET
        })
        .map_or((0, '?'), |(i, c)| (i + 1, c));
    let hint = match c.to_ascii_uppercase() {
        'I' | 'O' | 'Z' | 'S' | 'V' => "（不使用字母I、O、Z、S、V）",
        _ => "",
    };
    FieldError::new(
        field,
        "bad_chars",
        format!("统一社会信用代码第{pos}位“{c}”无效{hint}"),
        format!(
            "character {pos} of the credit code, '{c}', is invalid (digits and capitals except I, O, Z, S, V)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent check character, from the definition: weights 3^i mod 31, and the check
    /// value makes the weighted sum a multiple of 31.
    fn reference_check(body: &str) -> char {
        let alphabet: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
        let mut sum = 0u64;
        let mut weight = 1u64;
        for c in body.chars() {
            let v = alphabet.iter().position(|&a| a == c).unwrap() as u64;
            sum += v * weight;
            weight = weight * 3 % 31;
        }
        alphabet[((31 - sum % 31) % 31) as usize]
    }

    fn make(body: &str) -> String {
        format!("{body}{}", reference_check(body))
    }

    fn code(s: &str) -> &'static str {
        CreditCode::parse("credit_code", s).unwrap_err().code
    }

    #[test]
    fn the_standards_example_parses() {
        assert_eq!(reference_check("91350100M000100Y4"), '3');
        let c = CreditCode::parse("credit_code", "91350100M000100Y43").unwrap();
        assert_eq!(c.as_str(), "91350100M000100Y43");
        assert_eq!(c.registration_authority(), '9');
        assert_eq!(c.organisation_type(), '1');
        assert_eq!(c.region_code(), "350100");
        assert_eq!(c.organisation_code(), "M000100Y4");
    }

    #[test]
    fn constructed_codes_parse_and_are_upper_cased() {
        for body in [
            "91420200MA4K0001X",
            "12420202420202001",
            "5142020250000000Y",
            "Y1420202000000000",
        ] {
            let s = make(body);
            assert_eq!(CreditCode::parse("credit_code", &s).unwrap().as_str(), s);
            let lower = format!(" {} ", s.to_ascii_lowercase());
            assert_eq!(
                CreditCode::parse("credit_code", &lower).unwrap().as_str(),
                s
            );
        }
    }

    #[test]
    fn every_check_character_is_computed_right() {
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..2000 {
            let s = make(&format!("91420200{n:09}"));
            seen.insert(s.chars().last().unwrap());
            assert!(CreditCode::parse("credit_code", &s).is_ok(), "{s}");
        }
        assert_eq!(seen.len(), 31);
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        let e = CreditCode::parse("uscc", "91350100M000100Y44").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("uscc", "bad_check_char"));
        assert!(
            e.zh.contains("应为3") && e.en.contains("should be 3"),
            "{e}"
        );
        // A single mistyped body character is always caught (weights are units mod 31).
        assert_eq!(code("91350100M000200Y43"), "bad_check_char");
    }

    #[test]
    fn shape_errors_have_their_own_codes() {
        assert_eq!(code(""), "required");
        assert_eq!(code("91350100M000100Y4"), "bad_length");
        assert_eq!(code("91350100M000100Y433"), "bad_length");
        assert_eq!(code("91350100M0001O0Y43"), "bad_chars");
        assert_eq!(code("91350100M000100Y4-"), "bad_chars");
        assert_eq!(code("９1350100M000100Y43"), "bad_chars");
        assert_eq!(code("913501A0M000100Y43"), "bad_region");
        let e = CreditCode::parse("uscc", "91350100M0001O0Y43").unwrap_err();
        assert!(
            e.zh.contains("第14位") && e.zh.contains("不使用字母"),
            "{}",
            e.zh
        );
    }
}
