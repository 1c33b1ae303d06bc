//! A record's form values: checked against the form's current version when written, read back
//! with the definition of the version they were checked against.

use std::collections::BTreeSet;

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::forms::FormTarget;
use serde_json::{Map, Value, json};

use super::record::{RecordPlace, find_record};
use super::{RecordValues, stored_definition, stored_values};
use crate::audit::{self, Change};
use crate::{Store, StoreError, StoreResult};

/// Stored values with their form and the definition of their version.
#[derive(sqlx::FromRow)]
struct ValuesRow {
    form_id: String,
    form_key: String,
    version: i64,
    current_version: i64,
    definition: String,
    values_json: String,
    updated_by: String,
    updated_at: i64,
}

const VALUES_SELECT: &str = "SELECT fv.form_id, f.key AS form_key, fv.version, \
    f.current_version, v.definition, fv.values_json, fv.updated_by, fv.updated_at \
    FROM form_values fv JOIN forms f ON f.id = fv.form_id \
    JOIN form_versions v ON v.form_id = fv.form_id AND v.version = fv.version \
    WHERE fv.county_code = $1 AND fv.record_kind = $2 AND fv.record_id = $3";

impl ValuesRow {
    fn into_values(self) -> StoreResult<RecordValues> {
        Ok(RecordValues {
            definition: stored_definition(&self.form_id, self.version, &self.definition)?,
            values: stored_values(&self.form_id, &self.values_json)?,
            form_id: self.form_id,
            form_key: self.form_key,
            version: self.version,
            current_version: self.current_version,
            updated_by: Some(self.updated_by),
            updated_at: Some(self.updated_at),
        })
    }
}

/// A form and its current version, as values are checked against it.
#[derive(sqlx::FromRow)]
struct CurrentForm {
    key: String,
    target: String,
    current_version: i64,
    definition: String,
}

const CURRENT_SELECT: &str = "SELECT f.key, f.target, f.current_version, v.definition \
    FROM forms f JOIN form_versions v ON v.form_id = f.id AND v.version = f.current_version \
    WHERE f.id = $1";

/// The keys whose values differ, for the audit trail: it records what changed, not the values,
/// so the trail does not become a second copy of what departments collect about people.
fn changed_keys(before: Option<&Map<String, Value>>, after: &Map<String, Value>) -> Vec<String> {
    let empty = Map::new();
    let before = before.unwrap_or(&empty);
    before
        .keys()
        .chain(after.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

fn wrong_target(form: FormTarget, kind: FormTarget) -> FieldError {
    FieldError::new(
        "form_id",
        "wrong_target",
        format!("该表单采集{}信息，不能填在{}记录上", form.zh(), kind.zh()),
        format!("this form is for {form}, not for {kind}"),
    )
}

impl Store {
    /// Checks values against the form's current version and stores them on the record, with an
    /// audit record, in one transaction. The record must be inside the actor's scope; rejected
    /// values leave nothing written. Saving what is already stored writes nothing.
    pub async fn set_values(
        &self,
        actor: &Actor,
        kind: FormTarget,
        record_id: &str,
        form_id: &str,
        values: &Value,
    ) -> StoreResult<RecordValues> {
        if !actor.can(Permission::EditBaseData) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let RecordPlace { county_code, path } =
            find_record(&mut tx, actor, kind, record_id).await?;
        let form = sqlx::query_as::<_, CurrentForm>(CURRENT_SELECT)
            .bind(form_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let target = FormTarget::parse("target", &form.target)
            .map_err(|e| StoreError::Internal(format!("stored form {form_id}: {e}")))?;
        if target != kind {
            return Err(wrong_target(target, kind).into());
        }
        let definition = stored_definition(form_id, form.current_version, &form.definition)?;
        let checked = definition.validate(values)?;
        let before: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, values_json FROM form_values WHERE county_code = $1 \
             AND record_kind = $2 AND record_id = $3 AND form_id = $4",
        )
        .bind(&county_code)
        .bind(kind.as_str())
        .bind(record_id)
        .bind(form_id)
        .fetch_optional(&mut *tx)
        .await?;
        let before = match before {
            Some((v, text)) => Some((v, stored_values(form_id, &text)?)),
            None => None,
        };
        let changed = changed_keys(before.as_ref().map(|(_, m)| m), &checked);
        let unchanged = before
            .as_ref()
            .is_some_and(|(v, _)| *v == form.current_version && changed.is_empty());
        if unchanged {
            drop(tx);
            return self.record_form(actor, kind, record_id, form_id).await;
        }
        sqlx::query(
            "INSERT INTO form_values (county_code, record_kind, record_id, form_id, version, \
             values_json, path, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (county_code, record_kind, record_id, form_id) DO UPDATE SET \
             version = excluded.version, values_json = excluded.values_json, \
             path = excluded.path, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(&county_code)
        .bind(kind.as_str())
        .bind(record_id)
        .bind(form_id)
        .bind(form.current_version)
        .bind(Value::Object(checked.clone()).to_string())
        .bind(&path)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "form_values.set",
                resource: format!("{}:{record_id}", kind.singular()),
                scope_path: &path,
                summary: json!({
                    "form_id": form_id, "form_key": form.key,
                    "version": form.current_version, "changed": changed,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(RecordValues {
            form_id: form_id.to_owned(),
            form_key: form.key,
            version: form.current_version,
            current_version: form.current_version,
            definition,
            values: checked,
            updated_by: Some(actor.user_id.clone()),
            updated_at: Some(now),
        })
    }

    /// Every form's values on a record inside the actor's scope, each with the definition of the
    /// version it was stored under, by form key.
    pub async fn values_of(
        &self,
        actor: &Actor,
        kind: FormTarget,
        record_id: &str,
    ) -> StoreResult<Vec<RecordValues>> {
        if !actor.can(Permission::ViewBaseData) {
            return Err(StoreError::Forbidden);
        }
        let mut conn = self.pool.acquire().await?;
        let place = find_record(&mut conn, actor, kind, record_id).await?;
        let rows = sqlx::query_as::<_, ValuesRow>(&format!("{VALUES_SELECT} ORDER BY f.key"))
            .bind(&place.county_code)
            .bind(kind.as_str())
            .bind(record_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(ValuesRow::into_values).collect()
    }

    /// One form's values on a record inside the actor's scope; while none are stored, the form's
    /// current version with no values. A form for another kind of record is not found here.
    pub async fn record_form(
        &self,
        actor: &Actor,
        kind: FormTarget,
        record_id: &str,
        form_id: &str,
    ) -> StoreResult<RecordValues> {
        if !actor.can(Permission::ViewBaseData) {
            return Err(StoreError::Forbidden);
        }
        let mut conn = self.pool.acquire().await?;
        let place = find_record(&mut conn, actor, kind, record_id).await?;
        let stored =
            sqlx::query_as::<_, ValuesRow>(&format!("{VALUES_SELECT} AND fv.form_id = $4"))
                .bind(&place.county_code)
                .bind(kind.as_str())
                .bind(record_id)
                .bind(form_id)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(row) = stored {
            return row.into_values();
        }
        let form = sqlx::query_as::<_, CurrentForm>(CURRENT_SELECT)
            .bind(form_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if form.target != kind.as_str() {
            return Err(StoreError::NotFound);
        }
        Ok(RecordValues {
            form_id: form_id.to_owned(),
            form_key: form.key,
            version: form.current_version,
            current_version: form.current_version,
            definition: stored_definition(form_id, form.current_version, &form.definition)?,
            values: Map::new(),
            updated_by: None,
            updated_at: None,
        })
    }
}
