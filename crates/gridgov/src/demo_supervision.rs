//! A little supervision on the demo's newest work, made through the store as a center makes
//! it: the district presses the town on matters in progress (催办), the city issues a red card
//! to the town and a yellow one to the lead department (督办), and the department asks for more
//! time on one task (延期), left for the town to decide. Only on a fresh demo: it runs when the
//! incidents were just recorded.

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_store::Store;
use gridgov_store::incidents::IncidentFilter;
use gridgov_store::supervision::{CardInput, ExtensionInput};

use crate::demo_incidents::{SHOWCASE_CENTER, SHOWCASE_DEPARTMENT};

async fn actor(store: &Store, username: &str) -> Result<Actor> {
    store
        .list_users(&Actor::system(), Some(username), 10, 0)
        .await?
        .into_iter()
        .find(|u| u.username == username)
        .map(|u| u.actor())
        .with_context(|| format!("no demo user {username}"))
}

/// Seeds the reminders, cards and the extension request; how many things were made.
pub async fn seed(store: &Store) -> Result<u64> {
    let town = actor(store, SHOWCASE_CENTER).await?;
    let county = actor(store, "county-op").await?;
    let city = actor(store, "city-op").await?;
    let dept = actor(store, SHOWCASE_DEPARTMENT).await?;
    let open = store
        .incidents(
            &town,
            &IncidentFilter {
                state: "in_progress".into(),
                limit: Some(3),
                ..IncidentFilter::default()
            },
        )
        .await?;
    let mut made = 0;
    for (n, i) in open.items.iter().enumerate() {
        let (c, id) = (&i.county_code, &i.id);
        store
            .remind_incident(&county, c, id, "群众反映强烈，请加快办理，本周内反馈进展")
            .await?;
        made += 1;
        if n == 0 {
            store
                .issue_card(
                    &city,
                    c,
                    id,
                    &CardInput {
                        colour: "red".into(),
                        due_days: "3".into(),
                        note: "该事件已多次催办仍未办结，请于期限内书面报告办理情况及整改措施"
                            .into(),
                        ..CardInput::default()
                    },
                )
                .await?;
            made += 1;
        }
        let page = store.incident_page(&dept, c, id).await;
        let Ok(page) = page else { continue };
        let Some(task) = page.supervision.extension_tasks.first() else {
            continue;
        };
        if made < 4 {
            store
                .issue_card(
                    &city,
                    c,
                    id,
                    &CardInput {
                        colour: "yellow".into(),
                        addressee: format!(
                            "department:{}",
                            page.tasks
                                .iter()
                                .find(|t| &t.id == task)
                                .map(|t| t.assignee_id.clone())
                                .unwrap_or_default()
                        ),
                        due_days: "5".into(),
                        note: "请说明延误原因和预计办结时间".into(),
                        ..CardInput::default()
                    },
                )
                .await?;
            store
                .request_extension(
                    &dept,
                    c,
                    id,
                    &ExtensionInput {
                        task_id: task.clone(),
                        days: "3".into(),
                        reason: "需协调供电部门停电配合施工，预计下周完成".into(),
                    },
                )
                .await?;
            made += 2;
        }
    }
    Ok(made)
}
