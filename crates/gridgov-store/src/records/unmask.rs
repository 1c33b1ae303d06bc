//! Seeing a full ID number or phone: only with the permission, only inside the scope, only with
//! a reason, and never without a trace. The log row, the audit record and the read of the value
//! share one transaction, so a value is not revealed unless its log is committed.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::parse_text;
use gridgov_core::text::visible_chars;
use serde::Serialize;
use serde_json::json;

use super::need;
use super::persons::person_row;
use crate::audit::{self, Change};
use crate::protect::FieldKind;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// Which protected field of a person to reveal.
pub type UnmaskField = FieldKind;

/// A reason of 4–200 characters: long enough to say something an auditor can check. The
/// minimum counts characters that show, so zero-width or blank characters make no reason.
pub(crate) fn check_reason(reason: &str) -> Result<String, FieldError> {
    let r = parse_text("reason", reason, 200, true)?;
    if visible_chars(&r) < 4 {
        return Err(FieldError::new(
            "reason",
            "too_short",
            "请写明查看原因（至少 4 个字）",
            "give a reason of at least 4 characters",
        ));
    }
    Ok(r)
}

/// One unmasking (or revealing export), for auditors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnmaskEntry {
    pub id: String,
    pub at: i64,
    pub actor_id: String,
    pub actor_name: Option<String>,
    /// The person shown; `None` for a revealing export.
    pub person_id: Option<String>,
    /// For a revealing export, how many persons it revealed.
    pub export_rows: Option<i64>,
    pub person_name: Option<String>,
    pub county_code: String,
    pub field: String,
    pub reason: String,
    pub path: String,
}

impl Store {
    /// The full value of a person's ID number or phone, logged with who, when and why.
    pub async fn unmask_person_field(
        &self,
        actor: &Actor,
        county: &str,
        person_id: &str,
        field: UnmaskField,
        reason: &str,
    ) -> StoreResult<String> {
        need(actor, Permission::UnmaskPersonalData)?;
        let reason = check_reason(reason)?;
        let prot = self.protector()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let p = person_row(&mut tx, actor, county, person_id).await?;
        let sealed = match field {
            FieldKind::IdCardNo => p.id_card_sealed.clone(),
            FieldKind::Phone => p.phone_sealed.clone().ok_or_else(|| {
                FieldError::new(
                    "field",
                    "no_phone",
                    "该人员没有登记电话",
                    "no phone is recorded for this person",
                )
            })?,
            // Persons have no e-mail field; only Open311 reporters leave one.
            FieldKind::Email => {
                return Err(FieldError::new(
                    "field",
                    "no_such_field",
                    "人员没有电子邮箱字段",
                    "persons have no e-mail field",
                )
                .into());
            }
        };
        let value = prot.open(field, &sealed)?;
        let log_id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO unmask_log (id, at, actor_id, person_id, county_code, field, reason, path) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&log_id)
        .bind(now)
        .bind(&actor.user_id)
        .bind(person_id)
        .bind(county)
        .bind(field.label())
        .bind(&reason)
        .bind(&p.path)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.unmask",
                resource: format!("person:{person_id}"),
                scope_path: &p.path,
                summary: json!({"field": field.label(), "reason": reason, "log": log_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Unmaskings inside the actor's scope, newest first; of one person when given.
    pub async fn unmask_log(
        &self,
        actor: &Actor,
        person: Option<(&str, &str)>,
        limit: i64,
        before_ms: Option<i64>,
    ) -> StoreResult<Vec<UnmaskEntry>> {
        need(actor, Permission::ViewAudit)?;
        let scope = ScopeRange::of(actor);
        let mut sql = format!(
            "SELECT l.id, l.at, l.actor_id, u.display_name AS actor_name, l.person_id, l.export_rows, \
             p.name AS person_name, l.county_code, l.field, l.reason, l.path \
             FROM unmask_log l LEFT JOIN users u ON u.id = l.actor_id \
             LEFT JOIN persons p ON p.county_code = l.county_code AND p.id = l.person_id \
             WHERE {} AND l.at < $3",
            scope.sql("l.path", 1)
        );
        if person.is_some() {
            sql.push_str(" AND l.county_code = $4 AND l.person_id = $5");
        }
        sql.push_str(&format!(
            " ORDER BY l.at DESC, l.id DESC LIMIT {}",
            limit.clamp(1, 500)
        ));
        let mut q = sqlx::query_as::<_, UnmaskEntry>(&sql)
            .bind_scope(&scope)
            .bind(before_ms.unwrap_or(i64::MAX));
        if let Some((county, id)) = person {
            q = q.bind(county).bind(id);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_say_something() {
        assert_eq!(check_reason("核查").unwrap_err().code, "too_short");
        assert_eq!(check_reason("  ").unwrap_err().code, "required");
        assert!(check_reason("入户核查身份").is_ok());
        assert!(check_reason(&"长".repeat(201)).is_err());
    }
}
