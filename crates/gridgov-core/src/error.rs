//! Validation errors that name the field and give the reason in Chinese and English.
//!
//! Every layer that rejects input returns these, so the web layer can show the same field error
//! on a form, in JSON and on the command line.

use serde::Serialize;

/// One rejected field: which field, a stable machine code, and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The same error reported for another field name (a form field, a CSV column).
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} / {}", self.field, self.zh, self.en)
    }
}

impl std::error::Error for FieldError {}

/// Input rejected as a whole, with every field that was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Invalid(vec![e])
    }
}

/// Collects field errors while checking a form, then fails once with all of them.
#[derive(Debug, Default)]
pub struct Checker(Vec<FieldError>);

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when it parsed, remembers the error when it did not.
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checker_collects_every_error() {
        let mut c = Checker::new();
        let a: Option<i32> = c.check(Err(FieldError::new("a", "bad", "错", "wrong")));
        let b = c.check(Ok::<_, FieldError>(2));
        c.push(FieldError::new("c", "bad", "错", "wrong"));
        assert_eq!(a, None);
        assert_eq!(b, Some(2));
        let err = c.finish().unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(err.to_string().contains("a: 错 / wrong"));
    }
}
