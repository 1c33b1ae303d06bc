//! The database's own floor under `gridgov bench lifecycle`: the writes of a lifecycle as bare
//! SQL on small tables of their own, with no reads, no checks and no store: seven transactions
//! of the same INSERT and UPDATE statements the store sends (a counter, the incident, its task,
//! the audit head bumped and linked, the audit record), at the same concurrency, over the same
//! driver and, on SQLite, through one writer connection as the store does.

use std::time::{Duration, Instant};

use anyhow::Result;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor, Transaction};

/// The tables, on both databases.
const TABLES: &[&str] = &[
    "CREATE TABLE bare_numbers (county TEXT NOT NULL, day TEXT NOT NULL, last_seq BIGINT NOT NULL, \
     PRIMARY KEY (county, day))",
    "CREATE TABLE bare_incidents (id TEXT PRIMARY KEY, number BIGINT NOT NULL, \
     state TEXT NOT NULL, version BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
    "CREATE TABLE bare_tasks (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, \
     state TEXT NOT NULL, updated_at BIGINT NOT NULL)",
    "CREATE TABLE bare_heads (stream TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
    "CREATE TABLE bare_log (stream TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, \
     summary TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (stream, seq))",
];

/// An audit record of about the size the store writes.
const SUMMARY: &str = r#"{"event":{"kind":"started","task_id":"0193b6d2-6c1e-7c3a-9d0e-5f2a1b3c4d5e","note":null},"from":"dispatched","to":"in_progress","role":"department_handler","department":"0193b6d2-6c1e-7c3a-9d0e-5f2a1b3c4d5f"}"#;

struct Bare {
    pool: AnyPool,
    sqlite: bool,
}

impl Bare {
    async fn begin(&self) -> Result<Transaction<'static, Any>> {
        Ok(if self.sqlite {
            self.pool.begin_with("BEGIN IMMEDIATE").await?
        } else {
            self.pool.begin().await?
        })
    }
}

/// Bumps the stream's head and writes its record, as three statements (the store sends the
/// last two at once).
async fn audit(tx: &mut Transaction<'static, Any>, stream: &str, now: i64) -> Result<()> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO bare_heads (stream, seq, hash) VALUES ($1, 1, '') \
         ON CONFLICT (stream) DO UPDATE SET seq = bare_heads.seq + 1 RETURNING seq",
    )
    .bind(stream)
    .fetch_one(&mut **tx)
    .await?;
    let hash = format!("{stream}{seq:064}");
    sqlx::query("UPDATE bare_heads SET hash = $2 WHERE stream = $1")
        .bind(stream)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO bare_log (stream, seq, at, summary, hash) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(stream)
    .bind(seq)
    .bind(now)
    .bind(SUMMARY)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn set_state(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    state: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE bare_incidents SET state = $2, version = version + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(state)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn set_task(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    state: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE bare_tasks SET state = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(state)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One lifecycle's writes: report, accept, dispatch, start, handle, approve, evaluate.
async fn lifecycle(b: &Bare, now: i64) -> Result<()> {
    let id = uuid::Uuid::now_v7().to_string();
    let task = uuid::Uuid::now_v7().to_string();
    let stream = format!("incident:{id}");
    let mut tx = b.begin().await?;
    let (number,): (i64,) = sqlx::query_as(
        "INSERT INTO bare_numbers (county, day, last_seq) VALUES ('420202', '20261206', 1) \
         ON CONFLICT (county, day) DO UPDATE SET last_seq = bare_numbers.last_seq + 1 \
         RETURNING last_seq",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO bare_incidents (id, number, state, version, updated_at) \
         VALUES ($1, $2, 'reported', 1, $3)",
    )
    .bind(&id)
    .bind(number)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, &stream, now).await?;
    tx.commit().await?;
    for step in [
        "accept", "dispatch", "start", "handle", "approve", "evaluate",
    ] {
        let mut tx = b.begin().await?;
        match step {
            "dispatch" => {
                sqlx::query(
                    "INSERT INTO bare_tasks (id, incident_id, state, updated_at) \
                     VALUES ($1, $2, 'assigned', $3)",
                )
                .bind(&task)
                .bind(&id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            "start" => set_task(&mut tx, &task, "in_progress", now).await?,
            "handle" => set_task(&mut tx, &task, "handled", now).await?,
            "approve" => set_task(&mut tx, &task, "handled", now).await?,
            _ => {}
        }
        set_state(&mut tx, &id, step, now).await?;
        audit(&mut tx, &stream, now).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Lifecycles per second of bare writes at `clients` at once, on a database the store made.
pub async fn floor(
    url: &str,
    sqlite: bool,
    now: i64,
    clients: usize,
    lifecycles: usize,
) -> Result<f64> {
    let pool = AnyPoolOptions::new()
        // The store's writer on SQLite is one connection; PostgreSQL gets one per client.
        .max_connections(if sqlite { 1 } else { clients as u32 })
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    for t in TABLES {
        sqlx::query(t).execute(&pool).await?;
    }
    let b = std::sync::Arc::new(Bare { pool, sqlite });
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..clients {
        let b = b.clone();
        let n = lifecycles / clients + usize::from(k < lifecycles % clients);
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                lifecycle(&b, now).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let per_sec = lifecycles as f64 / started.elapsed().as_secs_f64();
    b.pool.close().await;
    Ok(per_sec)
}
