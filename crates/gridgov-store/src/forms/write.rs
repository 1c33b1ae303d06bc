//! Registering a form and publishing new versions of it. A version is a new row; nothing written
//! before is changed, so values stored under an older version stay as they were checked.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::forms::{FormDefinition, FormTarget};
use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::Form;
use crate::audit::{self, Change};
use crate::error::is_unique_violation;
use crate::{Store, StoreError, StoreResult};

fn key_taken(d: &FormDefinition) -> FieldError {
    FieldError::new(
        "key",
        "taken",
        format!("已有标识为 {} 的{}表单", d.key, d.target.zh()),
        format!("a form for {} with key {} exists", d.target, d.key),
    )
}

fn field_keys(d: &FormDefinition) -> Vec<&str> {
    d.fields.iter().map(|f| f.key.as_str()).collect()
}

async fn insert_version(
    conn: &mut AnyConnection,
    form_id: &str,
    version: i64,
    d: &FormDefinition,
    actor: &Actor,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO form_versions (form_id, version, definition, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(form_id)
    .bind(version)
    .bind(d.to_json().to_string())
    .bind(&actor.user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Registers a form from its definition (JSON, checked by gridgov-core) as version 1.
    pub async fn create_form(&self, actor: &Actor, definition: &Value) -> StoreResult<Form> {
        if !actor.can(Permission::ManageForms) {
            return Err(StoreError::Forbidden);
        }
        let d = FormDefinition::parse(definition)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO forms (id, key, target, department, created_by, created_at, \
             current_version) VALUES ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(&id)
        .bind(&d.key)
        .bind(d.target.as_str())
        .bind(&d.department)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict(key_taken(&d))),
            Err(e) => return Err(e.into()),
        }
        insert_version(&mut tx, &id, 1, &d, actor, now).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "form.create",
                resource: format!("form:{id}"),
                // Forms serve every scope; the record sits in the scope of whoever made it, so
                // the auditors over that person see it.
                scope_path: actor.scope.as_str(),
                summary: json!({
                    "key": d.key, "target": d.target, "department": d.department,
                    "version": 1, "fields": field_keys(&d),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.form(actor, &id).await
    }

    /// Publishes a new version of a form. The key and target stay those of the form: a form
    /// about something else is another form. Values stored under older versions are untouched.
    pub async fn publish_version(
        &self,
        actor: &Actor,
        form_id: &str,
        definition: &Value,
    ) -> StoreResult<Form> {
        if !actor.can(Permission::ManageForms) {
            return Err(StoreError::Forbidden);
        }
        let d = FormDefinition::parse(definition)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let (key, target): (String, String) =
            sqlx::query_as("SELECT key, target FROM forms WHERE id = $1")
                .bind(form_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        let mut faults = Vec::new();
        if d.key != key {
            faults.push(FieldError::new(
                "key",
                "key_fixed",
                format!("新版本的标识须与表单一致: {key}"),
                format!("a new version keeps the form's key: {key}"),
            ));
        }
        if d.target.as_str() != target {
            let zh = FormTarget::parse("target", &target).map_or("", |t| t.zh());
            faults.push(FieldError::new(
                "target",
                "target_fixed",
                format!("新版本的采集对象须与表单一致: {zh}"),
                format!("a new version keeps the form's target: {target}"),
            ));
        }
        if !faults.is_empty() {
            return Err(gridgov_core::Invalid(faults).into());
        }
        // The increment takes the row's lock, so two publishers get two numbers.
        let (version,): (i64,) = sqlx::query_as(
            "UPDATE forms SET current_version = current_version + 1, department = $2 \
             WHERE id = $1 RETURNING current_version",
        )
        .bind(form_id)
        .bind(&d.department)
        .fetch_one(&mut *tx)
        .await?;
        insert_version(&mut tx, form_id, version, &d, actor, now).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "form.publish",
                resource: format!("form:{form_id}"),
                scope_path: actor.scope.as_str(),
                summary: json!({
                    "key": d.key, "department": d.department, "version": version,
                    "fields": field_keys(&d),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.form(actor, form_id).await
    }
}
