//! Printing the one top-level error of a command: field errors as `field: 中文 / English`,
//! rejected rows one per line, anything else as its chain of causes.

use gridgov_core::{FieldError, Invalid};
use gridgov_store::StoreError;

pub fn print_error(err: &anyhow::Error) {
    // What the command was doing, from the contexts added on the way up.
    let doing: Vec<String> = err
        .chain()
        .take_while(|e| !is_detailed(*e))
        .map(ToString::to_string)
        .collect();
    let detail = err.chain().find(|e| is_detailed(*e));
    let Some(detail) = detail else {
        eprintln!("error: {err:#}");
        return;
    };
    let prefix = if doing.is_empty() {
        String::new()
    } else {
        format!("{}: ", doing.join(": "))
    };
    let lines = detail_lines(detail);
    match lines.as_slice() {
        [one] => eprintln!("error: {prefix}{one}"),
        _ => {
            eprintln!("error: {}", prefix.trim_end_matches([':', ' ']));
            for line in &lines {
                eprintln!("  {line}");
            }
        }
    }
}

fn is_detailed(e: &(dyn std::error::Error + 'static)) -> bool {
    e.is::<StoreError>() || e.is::<Invalid>() || e.is::<FieldError>()
}

/// The lines that explain an error a user can act on.
fn detail_lines(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    if let Some(f) = e.downcast_ref::<FieldError>() {
        return vec![f.to_string()];
    }
    if let Some(inv) = e.downcast_ref::<Invalid>() {
        return inv.0.iter().map(ToString::to_string).collect();
    }
    match e.downcast_ref::<StoreError>() {
        Some(StoreError::Invalid(inv)) => inv.0.iter().map(ToString::to_string).collect(),
        Some(StoreError::Conflict(f)) => vec![f.to_string()],
        Some(StoreError::Rows(rows)) => {
            let mut lines = vec![if rows.len() >= gridgov_store::regions::MAX_ERRORS {
                format!(
                    "checking stopped at the first {n} faulty rows; nothing was written / \
                     检查在前 {n} 个错误处停止，未写入任何数据",
                    n = rows.len()
                )
            } else {
                format!(
                    "{} rows rejected, nothing was written / {} 行有误，未写入任何数据",
                    rows.len(),
                    rows.len()
                )
            }];
            lines.extend(rows.iter().map(ToString::to_string));
            lines
        }
        Some(StoreError::NotFound) => vec!["not found / 未找到".into()],
        Some(StoreError::Forbidden) => vec!["not permitted / 无权操作".into()],
        Some(StoreError::VersionConflict) => {
            vec![
                "the record was changed by someone else; try again / 记录已被他人修改，请重试"
                    .into(),
            ]
        }
        Some(other) => {
            let mut s = other.to_string();
            let mut src = std::error::Error::source(other);
            while let Some(c) = src {
                s.push_str(&format!(": {c}"));
                src = c.source();
            }
            vec![s]
        }
        None => vec![e.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn field_errors_read_in_both_languages_with_what_was_being_done() {
        let e = FieldError::new("role", "unknown_role", "未知角色", "unknown role");
        let err = Err::<(), _>(StoreError::from(e))
            .context("adding user ann")
            .unwrap_err();
        let detail = err.chain().find(|e| is_detailed(*e)).unwrap();
        assert_eq!(detail_lines(detail), vec!["role: 未知角色 / unknown role"]);
    }
}
