#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Attachments over the API on both databases: a photo uploaded before the report is the
//! uploader's alone until the report names it, then whoever sees the incident reads it (with
//! its judged type, nosniff and private caching) and its thumbnail; an executable is refused
//! with its reason and nothing kept; another village's worker finds none of it.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridgov_store::on_both;
use gridgov_store::testing::images;
use gridgov_store::testing::town::town;
use serde_json::{Value, json};
use support::{Client, Reply};

/// Uploads files as the phone client does: multipart with a bearer token.
async fn upload(c: &mut Client, token: &str, files: &[(&str, Vec<u8>)]) -> Reply {
    let boundary = "----gridgov-attachments-3c1e";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::post("/api/v1/attachments")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    c.send_raw(req).await
}

on_both!(a_photo_goes_with_its_incident, |db| {
    let t = town(&db.store).await;
    let mut c = Client::new(&db);
    let worker = c.token("worker").await;
    let center = c.token("center").await;
    let other = c.token("worker2").await;

    let r = upload(&mut c, &worker, &[("现场.png", images::png(800, 600))]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let stored: Value = r.json();
    let id = stored[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(stored[0]["kind"], "photo");
    assert_eq!(stored[0]["has_thumbnail"], true);
    let at = format!("/api/v1/attachments/{id}");

    // Pending: the uploader's alone.
    assert_eq!(
        c.api("GET", &at, Some(&worker), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        c.api("GET", &at, Some(&center), None).await.status,
        StatusCode::NOT_FOUND
    );

    let r = c
        .api(
            "POST",
            "/api/v1/incidents",
            Some(&worker),
            Some(
                json!({"title": "占道经营", "category": "06", "grid_id": t.g1,
                "attachments": [id]}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let incident = r.json();
    let page = c
        .api(
            "GET",
            &format!(
                "/api/v1/incidents/{}/{}",
                incident["county_code"].as_str().unwrap(),
                incident["id"].as_str().unwrap()
            ),
            Some(&center),
            None,
        )
        .await
        .json();
    assert_eq!(page["attachments"][0], json!(id));

    // Attached: the center reads it now, bytes and thumbnail, with their headers.
    let meta = c.api("GET", &at, Some(&center), None).await;
    assert_eq!(meta.status, StatusCode::OK);
    assert_eq!(meta.json()["owner_id"], incident["id"]);
    let bytes = c
        .api("GET", &format!("{at}/content"), Some(&center), None)
        .await;
    assert_eq!(bytes.status, StatusCode::OK);
    assert_eq!(bytes.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(bytes.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let disposition = bytes.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("inline;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png"),
        "{disposition}"
    );
    let thumb = c
        .api("GET", &format!("{at}/thumb"), Some(&center), None)
        .await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(
        thumb.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );

    // Another village: not found, however asked.
    for path in [at.clone(), format!("{at}/content"), format!("{at}/thumb")] {
        assert_eq!(
            c.api("GET", &path, Some(&other), None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
});

on_both!(an_executable_is_refused_with_its_reason, |db| {
    town(&db.store).await;
    let mut c = Client::new(&db);
    let worker = c.token("worker").await;
    let r = upload(
        &mut c,
        &worker,
        &[("a.png", images::png(10, 10)), ("photo.jpg", images::elf())],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("\\\"photo.jpg\\\" is a Linux executable (ELF)"),
        "{}",
        r.body
    );
    assert_eq!(r.json()["fields"][0]["field"], "attachments", "{}", r.body);
    assert_eq!(
        db.store
            .scalar_for_tests("SELECT COUNT(*) FROM attachments")
            .await
            .unwrap(),
        0,
        "nothing of a refused upload is kept"
    );
    // A document has no thumbnail: not found.
    let r = upload(&mut c, &worker, &[("reply.pdf", images::pdf())]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()[0]["id"].as_str().unwrap().to_owned();
    let thumb = c
        .api(
            "GET",
            &format!("/api/v1/attachments/{id}/thumb"),
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(thumb.status, StatusCode::NOT_FOUND);
    let pdf = c
        .api(
            "GET",
            &format!("/api/v1/attachments/{id}/content"),
            Some(&worker),
            None,
        )
        .await;
    assert!(
        pdf.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "a document downloads"
    );
});
