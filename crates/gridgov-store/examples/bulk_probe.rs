#![allow(clippy::unwrap_used)]
use sqlx::{Connection, Executor, SqliteConnection};
use std::time::Instant;

const DDL: &str = "CREATE TABLE persons (id TEXT NOT NULL, county_code TEXT NOT NULL, grid_id TEXT NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL, id_card_sealed TEXT NOT NULL, id_card_bidx TEXT NOT NULL, gender TEXT NOT NULL, birth_date TEXT NOT NULL, id_flags TEXT NOT NULL, ethnicity TEXT NOT NULL, phone_sealed TEXT, phone_bidx TEXT, registered_address TEXT NOT NULL, residence_type TEXT NOT NULL, tags TEXT NOT NULL, created_batch TEXT, updated_batch TEXT, version BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (county_code, id))";
const COLS: &str = "id, county_code, grid_id, path, name, id_card_sealed, id_card_bidx, gender, birth_date, id_flags, ethnicity, phone_sealed, phone_bidx, registered_address, residence_type, tags, created_batch, updated_batch, created_at, updated_at";

fn row(i: usize) -> Vec<String> {
    vec![
        uuid::Uuid::now_v7().to_string(),
        "420202".into(),
        "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0000".into(),
        format!("42/4202/420202/420202005/420202005001/G{:02}/", i % 50),
        "张三丰".into(),
        format!("v1.{:0>62}", i),
        format!(
            "{:0>22}",
            (i as u64).wrapping_mul(0x9E3779B97F4A7C15) % 10_000_000_000_000_000
        ),
        "male".into(),
        "1980-01-02".into(),
        "".into(),
        "01".into(),
        format!("v1.{:0>52}", i),
        format!(
            "{:0>22}",
            (i as u64).wrapping_mul(0x7E3779B97F4A7C15) % 10_000_000_000_000_000
        ),
        "湖北省黄石市黄石港区某街道1号".into(),
        "registered".into(),
        "".into(),
        "batch".into(),
        "batch".into(),
        "1795392000000".into(),
        "1795392000000".into(),
    ]
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(500_000);
    let mode = std::env::args().nth(2).unwrap_or("params".into());
    let rows: Vec<Vec<String>> = (0..n).map(row).collect();
    let path = format!("/tmp/probe-{mode}.db");
    let _ = std::fs::remove_file(&path);
    let mut c = SqliteConnection::connect(&format!("sqlite://{path}?mode=rwc"))
        .await
        .unwrap();
    c.execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144;",
    )
    .await
    .unwrap();
    c.execute(DDL).await.unwrap();
    let t = Instant::now();
    let mut tx = c.begin().await.unwrap();
    match mode.as_str() {
        "params" => {
            let per = 32766 / 20;
            let per = per.min(400);
            for chunk in rows.chunks(per) {
                let one = format!("({})", vec!["?"; 20].join(","));
                let sql = format!(
                    "INSERT INTO persons ({COLS}) VALUES {}",
                    vec![one.as_str(); chunk.len()].join(",")
                );
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    for v in r {
                        q = q.bind(v.as_str());
                    }
                }
                q.execute(&mut *tx).await.unwrap();
            }
        }
        "json" => {
            for chunk in rows.chunks(5000) {
                let json = serde_json::to_string(chunk).unwrap();
                let sel: Vec<String> = (0..20).map(|i| format!("value ->> {i}")).collect();
                sqlx::query(&format!(
                    "INSERT INTO persons ({COLS}) SELECT {} FROM json_each(?)",
                    sel.join(",")
                ))
                .bind(json)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
        _ => panic!(),
    }
    let load = t.elapsed();
    for ddl in [
        "CREATE UNIQUE INDEX persons_id_card ON persons (id_card_bidx, county_code)",
        "CREATE INDEX persons_phone ON persons (phone_bidx)",
        "CREATE INDEX persons_path ON persons (path, name)",
    ] {
        tx.execute(ddl).await.unwrap();
    }
    let idx = t.elapsed();
    tx.commit().await.unwrap();
    let all = t.elapsed();
    println!(
        "{mode}: {n} rows load {:.2}s ({:.0}/s), +indexes {:.2}s, commit {:.2}s => {:.0} rows/s",
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64(),
        idx.as_secs_f64(),
        all.as_secs_f64(),
        n as f64 / all.as_secs_f64()
    );
}
