//! Account fields that parse: usernames, display names, passwords.

use crate::error::FieldError;

/// A login name: 3–32 characters of ASCII letters, digits, '.', '_' or '-', stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase();
        let len = s.chars().count();
        if !(3..=32).contains(&len) {
            return Err(FieldError::new(
                field,
                "bad_length",
                "用户名长度应为3到32个字符",
                "a username has 3 to 32 characters",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(FieldError::new(
                field,
                "bad_chars",
                "用户名只能包含字母、数字和 . _ -",
                "a username has only letters, digits and . _ -",
            ));
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown: 1–50 characters (at least one that shows), no control characters.
pub fn parse_display_name(field: &str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if crate::text::visible_chars(s) == 0 || s.chars().count() > 50 {
        return Err(FieldError::new(
            field,
            "bad_length",
            "姓名长度应为1到50个字符",
            "a name has 1 to 50 characters",
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "control_char",
            "姓名含有控制字符",
            "the name contains control characters",
        ));
    }
    Ok(s.to_owned())
}

/// A new password: at least 8 characters, at most 128, not only one kind of character.
/// Kept in memory only until hashed; its `Debug` never shows it.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let n = input.chars().count();
        if !(8..=128).contains(&n) {
            return Err(FieldError::new(
                field,
                "bad_length",
                "密码长度应为8到128个字符",
                "a password has 8 to 128 characters",
            ));
        }
        let kinds = [
            input.chars().any(|c| c.is_ascii_digit()),
            input.chars().any(char::is_alphabetic),
            input.chars().any(|c| !c.is_alphanumeric()),
        ];
        if kinds.iter().filter(|k| **k).count() < 2 {
            return Err(FieldError::new(
                field,
                "too_simple",
                "密码应至少包含字母、数字、符号中的两类",
                "a password mixes at least two of letters, digits and symbols",
            ));
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// A contact phone as staff give it for the public grid card: empty, or a mainland mobile or
/// landline in the one stored form of [`crate::ids::Phone`] (`13812345678`, `0714-6251234`).
pub fn parse_contact_phone(field: &str, input: &str) -> Result<String, FieldError> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    crate::ids::Phone::parse(field, input)
        .map(|p| p.as_str().to_owned())
        // One code for every way a contact phone can be wrong; the reason says which.
        .map_err(|e| FieldError {
            code: "bad_phone",
            ..e
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_needs_a_character_that_shows() {
        assert!(parse_display_name("display_name", "\u{200B}\u{200D}").is_err());
        assert_eq!(
            parse_display_name("display_name", " 王芳 ").unwrap(),
            "王芳"
        );
    }

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse("username", " Zhang.San ").unwrap().as_str(),
            "zhang.san"
        );
        assert_eq!(
            Username::parse("username", "ab").unwrap_err().code,
            "bad_length"
        );
        assert_eq!(
            Username::parse("username", "张三丰").unwrap_err().code,
            "bad_chars"
        );
    }

    #[test]
    fn passwords_need_length_and_variety() {
        assert!(NewPassword::parse("password", "short1").is_err());
        assert_eq!(
            NewPassword::parse("password", "abcdefghij")
                .unwrap_err()
                .code,
            "too_simple"
        );
        let p = NewPassword::parse("password", "grid-2026").unwrap();
        assert!(!format!("{p:?}").contains("grid"));
    }

    #[test]
    fn display_names_accept_chinese() {
        assert_eq!(
            parse_display_name("display_name", "王小明").unwrap(),
            "王小明"
        );
        assert!(parse_display_name("display_name", "").is_err());
    }

    #[test]
    fn contact_phones_keep_digits_and_groups() {
        assert_eq!(
            parse_contact_phone("phone", " 138 1234 5678 ").unwrap(),
            "13812345678"
        );
        assert_eq!(
            parse_contact_phone("phone", "0714-6251234").unwrap(),
            "0714-6251234"
        );
        assert_eq!(parse_contact_phone("phone", "").unwrap(), "");
        assert_eq!(
            parse_contact_phone("phone", "12ab5").unwrap_err().code,
            "bad_phone"
        );
        assert_eq!(
            parse_contact_phone("phone", "123").unwrap_err().code,
            "bad_phone"
        );
    }
}
