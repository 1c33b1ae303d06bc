#![allow(clippy::unwrap_used, clippy::expect_used)]
//! An ID number recorded outside the caller's scope is neither confirmed nor denied: a worker of
//! 新街 who registers a number 湖滨 already holds, by a new record or by an edit, gets the very
//! answer a registration gets when someone else's commits the same number between its check and
//! its write, and nothing is written. On both databases; the race itself only on PostgreSQL,
//! where two writers can interleave (SQLite runs one write transaction at a time).
//! Why this answer: docs/security.md, "ID numbers outside the scope".

mod support;

use axum::http::StatusCode;
use gridgov_core::ids::{IdCardNo, id_check_char};
use gridgov_store::testing::test_protector;
use gridgov_store::testing::town::town;
use gridgov_store::{Backend, on_both};
use serde_json::{Value, json};
use sqlx::{Connection, Executor};
use support::{Client, Reply};

fn id_no(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17).unwrap())
}

fn person(grid: &str, name: &str, id_card_no: &str) -> Value {
    json!({"grid_id": grid, "name": name, "id_card_no": id_card_no, "residence_type": "户籍"})
}

/// The error body without its request id, which differs by request on purpose.
fn refusal(r: &Reply) -> Value {
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let mut body = r.json();
    body.as_object_mut().unwrap().remove("request_id");
    body
}

on_both!(
    a_number_held_outside_the_scope_is_neither_confirmed_nor_denied,
    |db| {
        let t = town(&db.store).await;
        let mut c = Client::new(&db);
        let worker = c.token("worker").await;
        let worker2 = c.token("worker2").await;
        let held = id_no("42020219800101001");
        let r = c
            .api(
                "POST",
                "/api/v1/persons",
                Some(&worker2),
                Some(person(&t.g2, "李四", &held)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let li = r.json();

        // A new record with 湖滨's number.
        let created = c
            .api(
                "POST",
                "/api/v1/persons",
                Some(&worker),
                Some(person(&t.g1, "李四", &held)),
            )
            .await;
        let answer = refusal(&created);
        assert_eq!(answer["fields"][0]["field"], "id_card_no");
        assert_eq!(answer["fields"][0]["code"], "id_card_unavailable");
        for secret in [
            li["id"].as_str().unwrap(),
            li["grid_id"].as_str().unwrap(),
            "湖滨",
            "outside",
            "范围",
            "exists",
        ] {
            assert!(!created.body.contains(secret), "{secret}: {}", created.body);
        }

        // An edit of the worker's own record to the same number: the same words.
        let own = c
            .api(
                "POST",
                "/api/v1/persons",
                Some(&worker),
                Some(person(&t.g1, "张三", &id_no("42020219800101011"))),
            )
            .await
            .json();
        let mut edit = person(&t.g1, "张三", &held);
        edit["version"] = json!(1);
        let edited = c
            .api(
                "PATCH",
                &format!(
                    "/api/v1/persons/{}/{}",
                    own["county_code"].as_str().unwrap(),
                    own["id"].as_str().unwrap()
                ),
                Some(&worker),
                Some(edit),
            )
            .await;
        assert_eq!(refusal(&edited), answer);

        // Nothing was written: 李四 is where he was, once, and the worker's record kept its number.
        let r = c
            .api(
                "GET",
                &format!("/api/v1/persons?q={held}"),
                Some(&worker2),
                None,
            )
            .await;
        assert_eq!(
            r.json()["persons"].as_array().unwrap().len(),
            1,
            "{}",
            r.body
        );
        assert_eq!(r.json()["persons"][0]["id"], li["id"]);
        let r = c
            .api(
                "GET",
                &format!("/api/v1/persons?q={held}"),
                Some(&worker),
                None,
            )
            .await;
        assert_eq!(
            r.json()["persons"].as_array().unwrap().len(),
            0,
            "{}",
            r.body
        );

        // The case it must be confused with: inside the worker's own grid, someone's registration of
        // a number commits after the worker's check found it free and before the worker's insert.
        if db.store.backend() == Backend::Postgres {
            let raced = id_no("42020219800101021");
            let index =
                test_protector().id_card_index(&IdCardNo::parse("id_card_no", &raced).unwrap());
            let mut first = sqlx::PgConnection::connect(db.store.database_url().as_str())
                .await
                .unwrap();
            first.execute("BEGIN").await.unwrap();
            // Reads go on; inserts into persons wait until this transaction ends.
            first
                .execute("LOCK TABLE persons IN SHARE MODE")
                .await
                .unwrap();
            let app = c.app.clone();
            let (grid, token, raced_no) = (t.g1.clone(), worker.clone(), raced.clone());
            let second = tokio::spawn(async move {
                Client::on(app)
                    .api(
                        "POST",
                        "/api/v1/persons",
                        Some(&token),
                        Some(person(&grid, "王五", &raced_no)),
                    )
                    .await
            });
            // Until the worker's insert waits on the lock, its check has not seen the number.
            loop {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_locks WHERE NOT granted \
                 AND relation = 'persons'::regclass",
                )
                .fetch_one(&mut first)
                .await
                .unwrap();
                if waiting > 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            // The first registration: a copy of the worker's own record under the raced number
            // (only the number's index matters to the unique key).
            sqlx::query(
                "INSERT INTO persons (id, county_code, grid_id, path, name, id_card_sealed, \
             id_card_bidx, gender, birth_date, id_flags, ethnicity, registered_address, \
             residence_type, tags, created_at, updated_at) \
             SELECT 'first', county_code, grid_id, path, name, id_card_sealed, $1, gender, \
             birth_date, id_flags, ethnicity, registered_address, residence_type, tags, \
             created_at, updated_at FROM persons WHERE id = $2",
            )
            .bind(&index)
            .bind(own["id"].as_str().unwrap())
            .execute(&mut first)
            .await
            .unwrap();
            first.execute("COMMIT").await.unwrap();
            let lost = second.await.unwrap();
            assert_eq!(refusal(&lost), answer);
        }
    }
);
