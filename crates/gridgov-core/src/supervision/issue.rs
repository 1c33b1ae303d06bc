//! Who may press on an incident, and to whom a card may go.

use crate::error::FieldError;
use crate::scope::ScopePath;

/// The addressee of a card as the store finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddresseeFacts<'a> {
    /// A center, by the scope path of its region.
    Center { path: &'a str },
    /// A department: the path of the region it serves, and whether it holds a task on the
    /// incident (any task it was given, live or done: it answers for its part).
    Department { path: &'a str, holds_task: bool },
}

/// A center role whose scope strictly contains the center holding the incident; the store reads
/// it from core's `higher_center` relation, this is for what is not an incident (the issuing
/// side of a card: its issuer's center or one above).
pub fn is_higher_center(scope: &ScopePath, center_path: &str) -> bool {
    scope.as_str() != center_path && scope.contains(center_path)
}

/// A card goes below the issuer, to whoever holds the work: a center strictly inside the
/// issuer's scope on the incident's own chain (the center holding it, or one between), or a
/// department inside the issuer's scope with a task on it.
pub fn check_addressee(
    issuer: &ScopePath,
    incident_path: &str,
    addressee: AddresseeFacts<'_>,
) -> Result<(), FieldError> {
    let outside = || {
        FieldError::new(
            "addressee",
            "outside_scope",
            "督办对象不在您的管辖范围内",
            "the addressee is not inside your scope",
        )
    };
    let not_holding = || {
        FieldError::new(
            "addressee",
            "not_holding",
            "督办对象未承办该事件",
            "the addressee does not hold this incident's work",
        )
    };
    match addressee {
        AddresseeFacts::Center { path } => {
            if !is_higher_center(issuer, path) {
                return Err(outside());
            }
            if !incident_path.starts_with(path) {
                return Err(not_holding());
            }
        }
        AddresseeFacts::Department { path, holds_task } => {
            if !issuer.contains(path) {
                return Err(outside());
            }
            if !holds_task {
                return Err(not_holding());
            }
        }
    }
    Ok(())
}

/// A written reply or a reminder's words: required, visible, at most
/// [`TEXT_MAX`](crate::incidents::TEXT_MAX) characters.
pub fn check_reply_text(field: &str, text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if crate::text::visible_chars(t) == 0 {
        return Err(FieldError::new(
            field,
            "required",
            "内容不能为空",
            "the text is required",
        ));
    }
    let max = crate::incidents::TEXT_MAX;
    if t.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("最多 {max} 个字符"),
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_owned())
}
