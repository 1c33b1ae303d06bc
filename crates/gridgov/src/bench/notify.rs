//! `gridgov bench notify`: notice deliveries end to end through the delivery path the
//! `notify_deliver` job runs (claim by lease, send, mark in guarded writes), to an SMS gateway
//! served on loopback in this process. Printed beside the target (10,000 deliveries in under
//! 2 s) and the floor: the same number of requests from the same client at the same
//! concurrency, built in memory, with no database.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::State;
use futures_util::StreamExt;
use gridgov_core::auth::{Actor, Role};
use gridgov_core::notify::{NoticeKind, NotifyChannels, SmsGateway};
use gridgov_core::settings::{PhoneShown, SettingKind, SettingValue};
use gridgov_store::Store;
use gridgov_store::notices::{ClaimedDelivery, DeliveryOutcome, NewNotice};
use gridgov_store::settings::SettingChange;
use gridgov_store::users::NewUserInput;
use gridgov_web::notify::{CONCURRENCY, Sender, deliver_due};

use crate::cli::BackendArgs;

const TARGET_SECS: f64 = 2.0;
const DISTRICT: &str = "420202";
const PATH: &str = "42/4202/420202/";

/// A gateway that takes every message: it counts them and answers as WeCom and DingTalk do.
async fn gateway() -> Result<(String, Arc<AtomicU64>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/sms", listener.local_addr()?);
    let count = Arc::new(AtomicU64::new(0));
    let app = Router::new()
        .fallback(|State(n): State<Arc<AtomicU64>>| async move {
            n.fetch_add(1, Ordering::Relaxed);
            r#"{"errcode":0,"errmsg":"ok"}"#
        })
        .with_state(count.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "bench gateway stopped");
        }
    });
    Ok((url, count))
}

fn channels(url: &str) -> NotifyChannels {
    NotifyChannels {
        sms: Some(SmsGateway {
            url: url.to_owned(),
            body: r#"{"mobile": {phone}, "content": {text}, "sign": "网格化治理"}"#.to_owned(),
            auth_header: "Authorization: Bearer bench".to_owned(),
        }),
        robots: Vec::new(),
        quiet_hours: None,
    }
}

/// The district's SMS gateway and one handler with a phone; `n` notices of `n` events for
/// them, each making one SMS delivery.
async fn seed(store: &Store, url: &str, n: u64) -> Result<()> {
    let sys = Actor::system();
    store
        .import_regions(&sys, crate::demo::REGIONS, "huangshi", &|_| {})
        .await?;
    store
        .change_region_setting(
            &sys,
            DISTRICT,
            &SettingChange {
                kind: SettingKind::NotifyChannels,
                value: Some(SettingValue::NotifyChannels(channels(url))),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await?;
    let user = store
        .create_user(
            &sys,
            &NewUserInput {
                username: "bench-handler".into(),
                display_name: "基准处置人员".into(),
                role: Role::DepartmentHandler.as_str().into(),
                scope: DISTRICT.into(),
                password: "bench-pass-2026".into(),
            },
        )
        .await?;
    store.set_user_phone(&sys, &user.id, "13800138000").await?;
    let users = [user.id];
    let made: Vec<Result<usize, gridgov_store::StoreError>> = futures_util::stream::iter(0..n)
        .map(|k| {
            let users = &users;
            async move {
                let notice = NewNotice {
                    kind: NoticeKind::Overdue,
                    county_code: Some(DISTRICT.into()),
                    incident_id: Some(format!("bench-{k}")),
                    incident_number: format!("SJ-420202-20261206-{k:05}"),
                    title: "楼道堆放杂物影响通行".into(),
                    params: serde_json::json!({}),
                    event_key: format!("bench:{k}"),
                    path: PATH.into(),
                };
                store.notify(&notice, users).await
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for m in made {
        m?;
    }
    Ok(())
}

/// The same requests from the same client at the same concurrency, with no database.
async fn floor(sender: &Sender, url: &str, n: u64) -> f64 {
    let c = channels(url);
    let deliveries: Vec<ClaimedDelivery> = (0..n)
        .map(|k| ClaimedDelivery {
            id: k.to_string(),
            channel: "sms".into(),
            target: "13800138000".into(),
            path: PATH.into(),
            attempts: 1,
            max_attempts: 5,
            kind: NoticeKind::Overdue,
            text_zh: format!("【SJ-420202-20261206-{k:05}】楼道堆放杂物影响通行：已超期"),
            text_en: String::new(),
        })
        .collect();
    let started = Instant::now();
    let sent = futures_util::stream::iter(deliveries.iter())
        .map(|d| sender.send(&c, d, 0))
        .buffer_unordered(CONCURRENCY)
        .filter(|o| std::future::ready(*o == DeliveryOutcome::Sent))
        .count()
        .await;
    let secs = started.elapsed().as_secs_f64();
    if sent as u64 != n {
        tracing::warn!(sent, n, "the floor's gateway refused some requests");
    }
    secs
}

pub async fn run(args: &BackendArgs, deliveries: u64) -> Result<()> {
    println!("machine: {}", super::machine());
    let (url, count) = gateway().await?;
    let sender = Sender::new(std::time::Duration::from_secs(10))?;
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "notify")?;
        let store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        let started = Instant::now();
        seed(&store, &url, deliveries).await.context("seeding")?;
        println!(
            "\n{}: {deliveries} SMS deliveries queued in {:.1} s (setup, not timed)",
            db.label(),
            started.elapsed().as_secs_f64()
        );
        let before = count.load(Ordering::Relaxed);
        let started = Instant::now();
        let mut sent = 0;
        loop {
            let pass = deliver_due(&store, &sender, "bench").await?;
            sent += pass.sent;
            if pass.failed > 0 {
                bail!("{} deliveries failed", pass.failed);
            }
            if pass.claimed == 0 || !pass.more {
                break;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        let got = count.load(Ordering::Relaxed) - before;
        store.close().await;
        if sent != deliveries || got != deliveries {
            bail!("sent {sent}, the gateway got {got}, of {deliveries}");
        }
        let bare = floor(&sender, &url, deliveries).await;
        println!(
            "  claim, send, mark: {deliveries} in {secs:.2} s = {:.0}/s (target < \
             {TARGET_SECS:.0} s)",
            deliveries as f64 / secs
        );
        println!(
            "  floor, the same {deliveries} requests from the same client at {CONCURRENCY} at \
             once, no database: {bare:.2} s = {:.0}/s (the delivery path keeps {:.0} % of it)",
            deliveries as f64 / bare,
            100.0 * bare / secs
        );
    }
    Ok(())
}
