//! Extensions (延期): a handler asks for more working days on a task in progress, with a
//! reason; the dispatching center grants or refuses. The days granted to one task add up and
//! may not pass the category's maximum.

use crate::error::FieldError;
use crate::vocab::vocabulary;

/// The most working days a task may be extended by in all, when its category sets no maximum
/// of its own: two working weeks, the longest the sources allow a matter to run over its limit
/// before it is escalated instead.
pub const DEFAULT_MAX_EXTENSION_DAYS: i64 = 10;

/// The largest maximum a category may set.
pub const MAX_EXTENSION_DAYS_LIMIT: i64 = 60;

vocabulary!(
    /// Where a request for more time stands.
    ExtensionState, "unknown_extension_state", "延期申请状态", "extension state", {
        Pending => ("pending", "待审批", "pending"),
        Granted => ("granted", "已批准", "granted"),
        Refused => ("refused", "未批准", "refused"),
    }
);

/// The days asked for, read from the form, against the task's days already granted and the
/// category's maximum (`max`, all requests together).
pub fn check_extension_days(input: &str, granted: i64, max: i64) -> Result<i64, FieldError> {
    let days: i64 = input.trim().parse().map_err(|_| {
        FieldError::new(
            "days",
            "not_a_number",
            "延期天数须为整数个工作日",
            "the extension must be a whole number of working days",
        )
    })?;
    if days < 1 {
        return Err(FieldError::new(
            "days",
            "not_positive",
            "延期天数至少为 1 个工作日",
            "an extension is at least 1 working day",
        ));
    }
    if granted + days > max {
        let left = (max - granted).max(0);
        return Err(FieldError::new(
            "days",
            "beyond_maximum",
            format!("该类事件最多延期 {max} 个工作日，已批准 {granted} 个，至多还可申请 {left} 个"),
            format!(
                "this category allows at most {max} working days of extension; {granted} granted, \
                 at most {left} more"
            ),
        ));
    }
    Ok(days)
}

/// A category's maximum as entered: empty for the default, else 1 to
/// [`MAX_EXTENSION_DAYS_LIMIT`].
pub fn check_max_extension_days(value: Option<i64>) -> Result<Option<i64>, FieldError> {
    match value {
        Some(n) if !(1..=MAX_EXTENSION_DAYS_LIMIT).contains(&n) => Err(FieldError::new(
            "max_extension_days",
            "out_of_range",
            format!("最长延期须为 1 至 {MAX_EXTENSION_DAYS_LIMIT} 个工作日"),
            format!("the longest extension must be 1 to {MAX_EXTENSION_DAYS_LIMIT} working days"),
        )),
        v => Ok(v),
    }
}
