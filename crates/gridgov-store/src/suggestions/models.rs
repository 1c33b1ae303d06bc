//! The stored models, parsed once per node: a model is megabytes of JSON, so a node keeps the
//! parsed one under its `model_id` (new at every training) and reads only the id per request.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use gridgov_core::suggest::Model;
use sqlx::AnyConnection;

use crate::{StoreError, StoreResult};

/// Parsed models by id; a handful at most (two kinds, and the ones just replaced).
static PARSED: LazyLock<Mutex<HashMap<String, Arc<Model>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

const KEPT: usize = 8;

/// The current model of a kind, with when it was trained; `None` before the first training.
pub(crate) async fn current(
    conn: &mut AnyConnection,
    kind: &str,
) -> StoreResult<Option<(Arc<Model>, i64)>> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT model_id, trained_at FROM suggestion_models WHERE kind = $1")
            .bind(kind)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, trained_at)) = row else {
        return Ok(None);
    };
    if let Some(m) = PARSED.lock().ok().and_then(|p| p.get(&id).cloned()) {
        return Ok(Some((m, trained_at)));
    }
    let json: Option<(String,)> =
        sqlx::query_as("SELECT model FROM suggestion_models WHERE model_id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
    // Retrained between the two reads: the next request reads the new one.
    let Some((json,)) = json else {
        return Ok(None);
    };
    let model = tokio::task::spawn_blocking(move || Model::from_json(&json))
        .await
        .map_err(|e| StoreError::Internal(format!("parsing a suggestion model: {e}")))?
        .map_err(|e| {
            StoreError::Internal(format!("a stored suggestion model does not read: {e}"))
        })?;
    let model = Arc::new(model);
    if let Ok(mut p) = PARSED.lock() {
        if p.len() >= KEPT {
            p.clear();
        }
        p.insert(id, model.clone());
    }
    Ok(Some((model, trained_at)))
}
