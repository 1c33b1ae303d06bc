#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The two migration trees (SQLite and PostgreSQL) must build the same schema: the same tables,
//! the same columns with types of the same family and the same nullability, the same primary
//! keys, and the same indexes over the same columns with the same uniqueness. Both trees are
//! migrated into fresh databases and their catalogs are read and compared; a difference fails
//! the test, named. A difference kept on purpose is listed in `DELIBERATE` with its reason.

use std::collections::{BTreeMap, BTreeSet};

use gridgov_store::testing::TestDb;
use sqlx::{Connection, PgConnection, Row, SqliteConnection};

/// Differences kept on purpose, each as the line `differences` prints, with why.
const DELIBERATE: &[(&str, &str)] = &[];

/// One table as both catalogs can say it.
#[derive(Debug, Default, PartialEq)]
struct Table {
    /// Column → (type family, nullable).
    columns: BTreeMap<String, (&'static str, bool)>,
    primary_key: Vec<String>,
    /// Index name → (unique, columns or expressions in order).
    indexes: BTreeMap<String, (bool, Vec<String>)>,
}

type Schema = BTreeMap<String, Table>;

/// Types by family: SQLite's affinity rules, applied to both declarations.
fn family(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t == "boolean" || t == "bool" {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") || t == "uuid" {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "blob"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") || t == "numeric" {
        "real"
    } else {
        "other"
    }
}

/// Tables of the migration machinery and of the engines themselves.
fn ours(table: &str) -> bool {
    !table.starts_with("_sqlx") && !table.starts_with("sqlite_")
}

async fn sqlite_schema(db: &TestDb) -> Schema {
    let mut c = SqliteConnection::connect(db.store.database_url().as_str())
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let mut schema = Schema::new();
    for name in tables.into_iter().filter(|t| ours(t)) {
        let mut table = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for col in sqlx::query(&format!("PRAGMA table_info(\"{name}\")"))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let column: String = col.get("name");
            let declared: String = col.get("type");
            let not_null: i64 = col.get("notnull");
            let in_pk: i64 = col.get("pk");
            if in_pk > 0 {
                pk.push((in_pk, column.clone()));
            }
            // SQLite lets a primary key column hold NULL unless declared otherwise; PostgreSQL
            // never does. Counted as NOT NULL on both, as every key here is written.
            table
                .columns
                .insert(column, (family(&declared), not_null == 0 && in_pk == 0));
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        for index in sqlx::query(&format!("PRAGMA index_list(\"{name}\")"))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let origin: String = index.get("origin");
            // Only indexes made by CREATE INDEX: the ones behind a primary key or a UNIQUE
            // constraint are compared as the key, and have engine-made names.
            if origin != "c" {
                continue;
            }
            let index_name: String = index.get("name");
            let unique: i64 = index.get("unique");
            let mut columns = Vec::new();
            for part in sqlx::query(&format!("PRAGMA index_xinfo(\"{index_name}\")"))
                .fetch_all(&mut c)
                .await
                .unwrap()
            {
                let key: i64 = part.get("key");
                if key == 0 {
                    continue;
                }
                let column: Option<String> = part.get("name");
                columns.push(column.unwrap_or_else(|| "<expression>".into()));
            }
            table.indexes.insert(index_name, (unique == 1, columns));
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(db: &TestDb) -> Schema {
    let mut c = PgConnection::connect(db.store.database_url().as_str())
        .await
        .unwrap();
    let mut schema = Schema::new();
    for col in sqlx::query(
        "SELECT table_name::TEXT AS t, column_name::TEXT AS c, data_type::TEXT AS ty, \
         is_nullable::TEXT AS n FROM information_schema.columns \
         WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let table: String = col.get("t");
        if !ours(&table) {
            continue;
        }
        let declared: String = col.get("ty");
        let nullable: String = col.get("n");
        schema
            .entry(table)
            .or_default()
            .columns
            .insert(col.get("c"), (family(&declared), nullable == "YES"));
    }
    // Every index of a table of ours, with its key columns in order (an expression by its
    // text), and whether it backs a constraint (a primary key or a UNIQUE in the table's text).
    for index in sqlx::query(
        "SELECT t.relname::TEXT AS t, i.relname::TEXT AS i, x.indisunique AS u, \
         x.indisprimary AS p, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = \
         x.indexrelid) AS constraint_index, ARRAY(SELECT COALESCE(a.attname::TEXT, \
         '<expression>') FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY AS k(n, o) \
         LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) \
         AS cols FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = 'public'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let table: String = index.get("t");
        let Some(entry) = schema.get_mut(&table) else {
            continue;
        };
        let columns: Vec<String> = index.get("cols");
        if index.get::<bool, _>("p") {
            entry.primary_key = columns;
        } else if !index.get::<bool, _>("constraint_index") {
            entry
                .indexes
                .insert(index.get("i"), (index.get("u"), columns));
        }
    }
    schema
}

/// Every difference, one line each, named so a reader finds the table and what to change.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: only in the SQLite tree"));
                continue;
            }
            _ => {
                out.push(format!("table {name}: only in the PostgreSQL tree"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for col in columns {
            match (s.columns.get(col), p.columns.get(col)) {
                (Some(a), Some(b)) if a.0 != b.0 => out.push(format!(
                    "column {name}.{col}: {} in SQLite, {} in PostgreSQL",
                    a.0, b.0
                )),
                (Some(a), Some(b)) if a.1 != b.1 => out.push(format!(
                    "column {name}.{col}: {} in SQLite, {} in PostgreSQL",
                    nullability(a.1),
                    nullability(b.1)
                )),
                (Some(_), None) => out.push(format!("column {name}.{col}: only in SQLite")),
                (None, Some(_)) => out.push(format!("column {name}.{col}: only in PostgreSQL")),
                _ => {}
            }
        }
        if s.primary_key != p.primary_key {
            out.push(format!(
                "table {name}: primary key ({}) in SQLite, ({}) in PostgreSQL",
                s.primary_key.join(", "),
                p.primary_key.join(", ")
            ));
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(a), Some(b)) if a != b => out.push(format!(
                    "index {name}.{index}: {} in SQLite, {} in PostgreSQL",
                    shown(a),
                    shown(b)
                )),
                (Some(_), None) => out.push(format!("index {name}.{index}: only in SQLite")),
                (None, Some(_)) => out.push(format!("index {name}.{index}: only in PostgreSQL")),
                _ => {}
            }
        }
    }
    out
}

fn nullability(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

fn shown((unique, columns): &(bool, Vec<String>)) -> String {
    format!(
        "{}({})",
        if *unique { "UNIQUE " } else { "" },
        columns.join(", ")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_trees_build_the_same_schema() {
    let (sqlite, postgres) = (TestDb::sqlite().await, TestDb::postgres().await);
    let (s, p) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    assert!(s.len() > 20, "the SQLite catalog was read: {:?}", s.keys());
    assert!(
        p.len() > 20,
        "the PostgreSQL catalog was read: {:?}",
        p.keys()
    );
    let indexes = |schema: &Schema| schema.values().map(|t| t.indexes.len()).sum::<usize>();
    assert!(indexes(&s) > 20, "the SQLite indexes were read");
    assert!(indexes(&p) > 20, "the PostgreSQL indexes were read");
    let keyed = |schema: &Schema| {
        schema
            .values()
            .filter(|t| !t.primary_key.is_empty())
            .count()
    };
    assert!(
        keyed(&s) > 20 && keyed(&p) > 20,
        "the primary keys were read"
    );
    let found = differences(&s, &p);
    let unexplained: Vec<&String> = found
        .iter()
        .filter(|d| !DELIBERATE.iter().any(|(known, _)| known == d))
        .collect();
    let stale: Vec<&str> = DELIBERATE
        .iter()
        .map(|(known, _)| *known)
        .filter(|known| !found.iter().any(|d| d == known))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "the migration trees differ:\n{}\nlisted as deliberate but no longer found:\n{}",
        unexplained
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        stale.join("\n")
    );
}

/// The comparison itself finds what it is for: a column missing, a type of another family, an
/// index over other columns.
#[test]
fn the_comparison_names_each_kind_of_difference() {
    let table = |ty: &'static str, index: &[&str]| Table {
        columns: BTreeMap::from([
            ("id".to_owned(), ("text", false)),
            ("n".to_owned(), (ty, true)),
        ]),
        primary_key: vec!["id".into()],
        indexes: BTreeMap::from([(
            "t_n".to_owned(),
            (false, index.iter().map(|c| c.to_string()).collect()),
        )]),
    };
    let same = Schema::from([("t".to_owned(), table("integer", &["n"]))]);
    assert!(differences(&same, &same).is_empty());
    let other = Schema::from([("t".to_owned(), table("text", &["id", "n"]))]);
    assert_eq!(
        differences(&same, &other),
        [
            "column t.n: integer in SQLite, text in PostgreSQL",
            "index t.t_n: (n) in SQLite, (id, n) in PostgreSQL",
        ]
    );
    assert_eq!(
        differences(&same, &Schema::new()),
        ["table t: only in the SQLite tree"]
    );
    assert_eq!(family("BIGINT"), family("integer"));
    assert_eq!(family("TEXT"), family("character varying"));
}
