//! The suggestion for one incident, read through the incident's doors: whoever may see the
//! incident may see what its text suggests, nobody else learns it exists.

use gridgov_core::auth::Actor;
use gridgov_core::suggest::document;
use serde::Serialize;

use super::{CATEGORY, DEPARTMENT, SHOWN, models};
use crate::{Store, StoreResult};

/// One suggested category or department, with the model's confidence (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggested {
    /// The category code or department id.
    pub code: String,
    pub name: String,
    pub confidence: f32,
}

/// What an incident's text suggests; empty lists before the first training.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentSuggestion {
    pub categories: Vec<Suggested>,
    /// Only departments that serve the incident's place.
    pub departments: Vec<Suggested>,
    pub category_trained_at: Option<i64>,
    pub department_trained_at: Option<i64>,
}

impl Store {
    pub async fn incident_suggestion(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<IncidentSuggestion> {
        let incident = self.incident(actor, county, id).await?;
        let text = document(&incident.title, &incident.description);
        let mut conn = self.pool.acquire().await?;
        let mut out = IncidentSuggestion {
            categories: Vec::new(),
            departments: Vec::new(),
            category_trained_at: None,
            department_trained_at: None,
        };
        let category = models::current(&mut conn, CATEGORY).await?;
        let department = models::current(&mut conn, DEPARTMENT).await?;
        // Segmenting and scoring the text is CPU work: one bounded slot for both models, off
        // the async threads.
        let models = [&category, &department].map(|m| m.as_ref().map(|(m, _)| m.clone()));
        let [by_category, by_department] = crate::cpu::run(move |_| {
            models.map(|m| m.map(|m| m.rank(&text, m.labels.len())).unwrap_or_default())
        })
        .await?;
        if let Some((_, at)) = category {
            let names: Vec<(String, String)> =
                sqlx::query_as("SELECT code, name FROM incident_categories WHERE active = 1")
                    .fetch_all(&mut *conn)
                    .await?;
            // A category deactivated since the training is not offered.
            out.categories = by_category
                .into_iter()
                .filter_map(|r| {
                    let (_, name) = names.iter().find(|(c, _)| *c == r.label)?;
                    Some(Suggested {
                        code: r.label,
                        name: name.clone(),
                        confidence: r.confidence,
                    })
                })
                .take(SHOWN)
                .collect();
            out.category_trained_at = Some(at);
        }
        if let Some((_, at)) = department {
            let departments: Vec<(String, String, String)> =
                sqlx::query_as("SELECT id, name, path FROM departments WHERE active = 1")
                    .fetch_all(&mut *conn)
                    .await?;
            out.departments = by_department
                .into_iter()
                .filter_map(|r| {
                    let (_, name, path) = departments.iter().find(|(d, _, _)| *d == r.label)?;
                    incident.path.starts_with(path.as_str()).then(|| Suggested {
                        code: r.label,
                        name: name.clone(),
                        confidence: r.confidence,
                    })
                })
                .take(SHOWN)
                .collect();
            out.department_trained_at = Some(at);
        }
        Ok(out)
    }
}
