//! `gridgov demo`: Huangshi's regions, a login for every role at several levels, the category
//! tree and the city's departments with a login each, served at once.
//! Idempotent: a second run reuses the data directory as it is.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::{Actor, Role};
use gridgov_store::regions::RegionSource;
use gridgov_store::users::NewUserInput;
use gridgov_store::{DatabaseUrl, Store, StoreError};
use tokio::task::JoinSet;

use crate::commands::{open_store, serve::serve_until_signal};
use crate::config::{Config, Overrides};
use crate::text::pad_wide;

pub const DEMO_PASSWORD: &str = "Demo-2026";

/// Provinces, cities and counties of the whole country (levels 1–3).
const COUNTIES: RegionSource = RegionSource::Embedded {
    name: "china_counties.csv",
    bytes: include_bytes!("../demo/china_counties.csv"),
};

pub(crate) const REGIONS: RegionSource = RegionSource::Embedded {
    name: "huangshi_regions.csv",
    bytes: include_bytes!("../demo/huangshi_regions.csv"),
};

/// One demo login: username, role, scope code ("" for the whole country).
struct DemoUser(&'static str, Role, &'static str);

const DEMO_USERS: [DemoUser; 17] = [
    DemoUser("admin", Role::SystemAdmin, ""),
    DemoUser("city-op", Role::CenterOperator, "4202"),
    DemoUser("county-op", Role::CenterOperator, "420202"),
    DemoUser("town-op", Role::CenterOperator, "420202005"),
    DemoUser("leader", Role::Leader, "4202"),
    DemoUser("dept", Role::DepartmentHandler, "4202"),
    DemoUser("police", Role::PoliceOfficer, "420202006"),
    DemoUser("grid-leader", Role::GridLeader, "420202005001"),
    DemoUser("grid-worker", Role::GridWorker, "420202005001"),
    DemoUser("inspector", Role::Inspector, "420202005002"),
    DemoUser("informant", Role::Informant, "420202006001"),
    DemoUser("liaison", Role::Liaison, "420203007201"),
    DemoUser("patroller", Role::Patroller, "420222100001"),
    DemoUser("grid-admin", Role::GridAdmin, "420202005003"),
    DemoUser("instructor", Role::Instructor, "420203007202"),
    DemoUser("supervisor", Role::Supervisor, "420202006002"),
    DemoUser("building-head", Role::BuildingHead, "420202005001"),
];

/// Argon2 hashes in flight at once: enough to use both cores, few enough to bound memory.
const HASHING_AT_ONCE: usize = 4;

pub async fn run(
    file: Option<&Path>,
    data_dir: Option<PathBuf>,
    listen: Option<String>,
) -> Result<()> {
    let started = Instant::now();
    let mut config = Config::load(
        file,
        Overrides {
            data_dir,
            listen,
            database_url: None,
        },
    )?;
    // Always the data directory's own SQLite file: demo logins with a published password must
    // never land in a configured production database.
    config.database_url = DatabaseUrl::sqlite_file(&config.data_dir.join("gridgov.db"));
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let web = config.web_config()?;
    let mut store = open_store(&config).await?;
    store
        .confirm_data_key(&config.protector()?)
        .await
        .context("checking the data key")?;
    let store = crate::commands::with_blobs(store, &config)?;
    prepare_city(&store).await?;
    let settings = crate::demo_settings::ensure(&store)
        .await
        .context("setting the demo regions' own settings")?;
    if settings > 0 {
        tracing::info!(settings, "demo settings set");
    }
    let (people, book) = crate::demo_people::ensure(&store, &config.data_dir).await?;
    if people > 0 {
        tracing::info!(persons = people, "demo people loaded");
    }
    let recorded = crate::demo_incidents::ensure(&store, &book)
        .await
        .context("recording the demo incidents")?;
    if recorded > 0 {
        let made = crate::demo_supervision::seed(&store)
            .await
            .context("seeding the demo's supervision")?;
        tracing::info!(made, "demo supervision seeded");
    }
    let orders = crate::demo_bridges::seed(&store)
        .await
        .context("configuring the demo's bridges")?;
    if orders > 0 {
        tracing::info!(orders, "demo bridge orders received");
    }
    let logins = login_table(&store).await?;
    let waiting = crate::demo_incidents::waiting(&store).await?;
    let open311_key = crate::demo_open311::key(&store)
        .await
        .context("issuing the demo's Open311 key")?;
    tracing::info!(secs = started.elapsed().as_secs_f64(), "demo ready");
    serve_until_signal(
        store,
        web,
        &config.listen,
        config.metrics_listen.as_deref(),
        |addr| print_welcome(addr, &config.data_dir, &logins, &waiting, &open311_key),
    )
    .await
}

/// The demo city in a migrated database: regions, logins, the grid network. Idempotent.
pub async fn prepare_city(store: &Store) -> Result<()> {
    // Every province, city and county first: ID numbers are checked against the county codes
    // of the whole country (floating residents come from everywhere), then Huangshi down to
    // its villages.
    store
        .import_regions(&Actor::system(), COUNTIES, "china_counties", &|_| {})
        .await
        .context("importing the national counties")?;
    store
        .import_regions(&Actor::system(), REGIONS, "huangshi_demo", &|_| {})
        .await
        .context("importing the demo regions")?;
    ensure_users(store).await?;
    let added = store
        .seed_categories(&Actor::system())
        .await
        .context("loading the incident category tree")?;
    if added > 0 {
        tracing::info!(categories = added, "incident categories loaded");
    }
    let departments = crate::demo_departments::ensure(store)
        .await
        .context("setting up the demo departments")?;
    if departments > 0 {
        tracing::info!(departments, "demo departments set up");
    }
    let grids = crate::demo_network::ensure(store)
        .await
        .context("building the demo grid network")?;
    if grids > 0 {
        tracing::info!(grids, "demo grid network built");
    }
    Ok(())
}

/// Names for the demo people, so lists and audit trails read like a real office's.
fn demo_name(username: &str) -> &'static str {
    const NAMES: [(&str, &str); 17] = [
        ("admin", "周建国"),
        ("city-op", "李慧敏"),
        ("county-op", "张志强"),
        ("town-op", "陈晓燕"),
        ("leader", "王德明"),
        ("dept", "刘海涛"),
        ("police", "赵卫东"),
        ("grid-leader", "孙丽华"),
        ("grid-worker", "黄小红"),
        ("inspector", "吴国平"),
        ("informant", "郑春梅"),
        ("liaison", "冯建军"),
        ("patroller", "何永强"),
        ("grid-admin", "许文静"),
        ("instructor", "马立新"),
        ("supervisor", "朱秀英"),
        ("building-head", "胡桂兰"),
    ];
    NAMES
        .iter()
        .find(|(u, _)| *u == username)
        .map(|(_, n)| *n)
        .unwrap_or("演示用户")
}

/// Creates the demo users that are missing, hashing their passwords concurrently.
async fn ensure_users(store: &Store) -> Result<()> {
    let system = Actor::system();
    let existing: HashSet<String> = store
        .list_users(&system, None, 500, 0)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    let mut tasks = JoinSet::new();
    for DemoUser(username, role, scope) in DEMO_USERS {
        if existing.contains(username) {
            continue;
        }
        while tasks.len() >= HASHING_AT_ONCE {
            join_one(&mut tasks).await?;
        }
        let store = store.clone();
        tasks.spawn(async move {
            let input = NewUserInput {
                username: username.to_owned(),
                display_name: demo_name(username).to_owned(),
                role: role.as_str().to_owned(),
                scope: scope.to_owned(),
                password: DEMO_PASSWORD.to_owned(),
            };
            match store.create_user(&Actor::system(), &input).await {
                // Another demo process sharing the directory created it first: fine.
                Ok(_) | Err(StoreError::Conflict(_)) => Ok(()),
                Err(e) => {
                    Err(anyhow::Error::new(e).context(format!("creating demo user {username}")))
                }
            }
        });
    }
    while !tasks.is_empty() {
        join_one(&mut tasks).await?;
    }
    Ok(())
}

async fn join_one(tasks: &mut JoinSet<Result<()>>) -> Result<()> {
    match tasks.join_next().await {
        Some(r) => r.context("a demo user task failed")?,
        None => Ok(()),
    }
}

/// (username, role zh, role en, scope name) for each demo login.
async fn login_table(store: &Store) -> Result<Vec<[String; 4]>> {
    let system = Actor::system();
    let mut rows = Vec::with_capacity(DEMO_USERS.len());
    for DemoUser(username, role, scope) in DEMO_USERS {
        let scope_name = if scope.is_empty() {
            "全国 / whole country".to_owned()
        } else {
            let r = store.resolve_region(&system, "scope", scope).await?;
            format!("{} {}", r.code, r.name)
        };
        rows.push([
            username.to_owned(),
            role.zh().to_owned(),
            role.en().to_owned(),
            scope_name,
        ]);
    }
    Ok(rows)
}

fn print_welcome(
    addr: SocketAddr,
    data_dir: &Path,
    logins: &[[String; 4]],
    waiting: &[(String, i64)],
    open311_key: &crate::demo_open311::DemoDoor,
) {
    let host = if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    };
    println!();
    println!("gridgov demo: http://{host}/");
    println!("data / 数据目录: {}", data_dir.display());
    println!("password for every login / 所有账号的密码: {DEMO_PASSWORD}");
    println!();
    println!(
        "{:<14} {}{:<26} scope / 范围",
        "username",
        pad_wide("角色", 16),
        "role"
    );
    for [user, zh, en, scope] in logins {
        println!("{user:<14} {}{en:<26} {scope}", pad_wide(zh, 16));
    }
    println!();
    for line in crate::demo_departments::login_lines() {
        println!("{line}");
    }
    if !waiting.is_empty() {
        let list: Vec<String> = waiting.iter().map(|(u, n)| format!("{u} {n}")).collect();
        println!();
        println!("incidents waiting / 待办事件: {}", list.join(", "));
    }
    println!();
    for line in crate::demo_open311::lines(&host, open311_key) {
        println!("{line}");
    }
    println!();
    println!("Ctrl-C stops the server / 按 Ctrl-C 停止");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_login_has_a_name() {
        for DemoUser(username, _, _) in DEMO_USERS {
            assert_ne!(demo_name(username), "演示用户", "{username}");
        }
    }

    #[test]
    fn every_role_has_a_demo_login() {
        for role in Role::ALL {
            assert!(DEMO_USERS.iter().any(|u| u.1 == role), "{role}");
        }
    }

    #[test]
    fn every_demo_scope_is_a_region_of_huangshi() {
        let RegionSource::Embedded { bytes, .. } = REGIONS else {
            panic!("the demo regions are embedded");
        };
        let text = std::str::from_utf8(bytes).unwrap();
        let codes: HashSet<&str> = text.lines().filter_map(|l| l.split(',').nth(1)).collect();
        for DemoUser(name, _, scope) in DEMO_USERS {
            if scope.is_empty() {
                continue;
            }
            let padded = format!("{scope:0<6}");
            assert!(
                codes.contains(scope) || codes.contains(padded.as_str()),
                "{name}: {scope}"
            );
        }
    }
}
