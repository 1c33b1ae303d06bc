#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Attachments on both backends: photos lose their location before they are stored and get a
//! thumbnail, files are judged by their content and their size (bombs by their header), the
//! same photo is kept once, and nobody outside the owner's scope, or anyone but the uploader
//! before it has an owner, can read one.

use std::path::Path;
use std::time::Instant;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::scope::ScopePath;
use gridgov_store::attachments::{
    AttachmentKind, AttachmentLimits, Owner, OwnerKind, Placement, Upload, Which,
};
use gridgov_store::testing::{add_user, images, seed_regions};
use gridgov_store::{Store, StoreError, on_both};

const XINJIE: &str = "420202001001";
const BAQUAN: &str = "420203001001";

struct World {
    worker: Actor,
    colleague: Actor,
    district: Actor,
    outsider: Actor,
}

async fn world(store: &Store) -> World {
    seed_regions(store).await;
    let sys = Actor::system();
    let user = |name: &'static str, role, scope: &'static str| {
        let (store, sys) = (store.clone(), sys.clone());
        async move { add_user(&store, &sys, name, role, scope).await.actor() }
    };
    World {
        worker: user("worker-a", Role::GridWorker, XINJIE).await,
        colleague: user("worker-a2", Role::GridWorker, XINJIE).await,
        district: user("op-a", Role::CenterOperator, "420202").await,
        outsider: user("worker-b", Role::GridWorker, BAQUAN).await,
    }
}

/// An incident reported in the worker's community.
fn incident(w: &World, id: &str) -> Owner {
    Owner {
        kind: OwnerKind::Incident,
        id: id.into(),
        path: w.worker.scope.clone(),
    }
}

fn upload(name: &str, bytes: Vec<u8>) -> Upload {
    Upload {
        file_name: name.into(),
        bytes,
    }
}

const PENDING: Placement = Placement::Pending(OwnerKind::Incident);

/// Every file under the blob directory.
fn blob_files(root: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
}

/// The refusals of an upload, as (code, English message).
fn refusals<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<(&'static str, String)> {
    match r {
        Err(StoreError::Invalid(i)) => {
            assert!(i.0.iter().all(|e| e.field == "attachments"), "{i:?}");
            i.0.into_iter().map(|e| (e.code, e.en)).collect()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

on_both!(
    a_photo_with_its_location_is_stored_without_it_and_with_a_thumbnail,
    |db| {
        let w = world(&db.store).await;
        let photo = images::with_gps_exif(&images::jpeg(640, 480), 6);
        assert!(images::has_gps(&photo));
        let v = db
            .store
            .store_attachment(
                &w.worker,
                &Placement::Owner(incident(&w, "inc-1")),
                upload("积水.jpg", photo),
            )
            .await
            .unwrap();
        assert_eq!(
            (v.kind, v.mime.as_str()),
            (AttachmentKind::Photo, "image/jpeg")
        );
        // Held upright: shown 480 wide and 640 high.
        assert_eq!((v.width, v.height), (Some(480), Some(640)));
        assert!(v.has_thumbnail);
        assert_eq!(v.file_name, "积水.jpg");
        assert_eq!(v.owner_id.as_deref(), Some("inc-1"));

        let original = db
            .store
            .attachment_content(&w.colleague, &v.id, Which::Original)
            .await
            .unwrap();
        assert!(!images::has_gps(&original.bytes));
        assert_eq!(original.bytes.len() as i64, v.size_bytes);
        assert!(
            images::exif_of(&original.bytes).is_some(),
            "the orientation was dropped"
        );
        assert_eq!(images::dimensions(&original.bytes), (640, 480));
        // Nothing on disk says where either.
        let files = blob_files(&db.blob_root);
        assert_eq!(files.len(), 2);
        assert!(files.iter().all(|f| !images::has_gps(f)));

        let thumb = db
            .store
            .attachment_content(&w.district, &v.id, Which::Thumbnail)
            .await
            .unwrap();
        assert_eq!(thumb.mime, "image/jpeg");
        assert_eq!(images::dimensions(&thumb.bytes), (240, 320));
        assert!(thumb.bytes.len() < original.bytes.len());
    }
);

on_both!(the_same_photo_sent_twice_is_kept_once, |db| {
    let w = world(&db.store).await;
    let photo = images::jpeg(200, 100);
    let a = db
        .store
        .store_attachment(&w.worker, &PENDING, upload("a.jpg", photo.clone()))
        .await
        .unwrap();
    let b = db
        .store
        .store_attachment(&w.worker, &PENDING, upload("b.jpg", photo))
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    // One original and one thumbnail, named by both rows.
    assert_eq!(blob_files(&db.blob_root).len(), 2);
    let distinct = db
        .store
        .scalar_for_tests("SELECT COUNT(DISTINCT blob_id) FROM attachments")
        .await
        .unwrap();
    assert_eq!(distinct, 1);
});

on_both!(a_renamed_program_is_refused_by_what_it_contains, |db| {
    let w = world(&db.store).await;
    let mut pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    pe.resize(2048, 0);
    let mut zip = b"PK\x03\x04".to_vec();
    zip.resize(64, 0);
    let r = db
        .store
        .store_attachments(
            &w.worker,
            &PENDING,
            vec![
                upload("photo.jpg", images::elf()),
                upload("scan.pdf", pe),
                upload("现场.jpg", zip),
                upload("fine.jpg", images::jpeg(16, 16)),
            ],
        )
        .await;
    let refused = refusals(r);
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused.iter().all(|(code, _)| *code == "type_not_allowed"));
    assert!(
        refused[0]
            .1
            .contains("\"photo.jpg\" is a Linux executable (ELF)")
    );
    assert!(
        refused[1]
            .1
            .contains("\"scan.pdf\" is a Windows executable")
    );
    assert!(refused[2].1.contains("\"现场.jpg\" is a ZIP archive"));
    // All or none: the good file was not kept either.
    assert_eq!(
        db.store
            .scalar_for_tests("SELECT COUNT(*) FROM attachments")
            .await
            .unwrap(),
        0
    );
    assert!(blob_files(&db.blob_root).is_empty());
});

on_both!(
    oversized_files_and_bombs_are_refused_quickly_without_decoding,
    |db| {
        let w = world(&db.store).await;
        let mut big = images::jpeg(32, 32);
        big.resize(10 * 1024 * 1024 + 1, 0);
        let started = Instant::now();
        let refused = refusals(
            db.store
                .store_attachment(&w.worker, &PENDING, upload("big.jpg", big))
                .await,
        );
        assert_eq!(refused[0].0, "file_too_large");
        assert!(
            refused[0]
                .1
                .contains("\"big.jpg\" is 10.0 MiB, over the limit of 10 MiB per photo")
        );

        let bomb = images::png_declaring(100_000, 100_000);
        assert!(bomb.len() < 200);
        let refused = refusals(
            db.store
                .store_attachment(&w.worker, &PENDING, upload("bomb.png", bomb))
                .await,
        );
        assert_eq!(refused[0].0, "image_too_large");
        assert!(
            refused[0]
                .1
                .contains("100000×100000 pixels, over the limit of 50 megapixels")
        );
        // Decoding 10^10 pixels would take minutes and 40 GB; the header alone takes nothing.
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());

        // Files within their own limits, too many together.
        let small = db.store.clone().with_attachment_limits(AttachmentLimits {
            request_bytes: 10_000,
            ..AttachmentLimits::default()
        });
        let refused = refusals(
            small
                .store_attachments(
                    &w.worker,
                    &PENDING,
                    vec![
                        upload("a.pdf", vec![b'%'; 6000]),
                        upload("b.txt", vec![b'x'; 6000]),
                    ],
                )
                .await,
        );
        assert_eq!(refused[0].0, "request_too_large");
        assert_eq!(
            db.store
                .scalar_for_tests("SELECT COUNT(*) FROM attachments")
                .await
                .unwrap(),
            0
        );
    }
);

on_both!(a_document_is_kept_as_sent_without_a_thumbnail, |db| {
    let w = world(&db.store).await;
    let v = db
        .store
        .store_attachment(&w.worker, &PENDING, upload("整改通知.pdf", images::pdf()))
        .await
        .unwrap();
    assert_eq!(
        (v.kind, v.mime.as_str()),
        (AttachmentKind::Document, "application/pdf")
    );
    assert_eq!((v.width, v.height, v.has_thumbnail), (None, None, false));
    let original = db
        .store
        .attachment_content(&w.worker, &v.id, Which::Original)
        .await
        .unwrap();
    assert_eq!(original.bytes, images::pdf());
    assert_eq!(original.file_name, "整改通知.pdf");
    assert!(matches!(
        db.store
            .attachment_content(&w.worker, &v.id, Which::Thumbnail)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(blob_files(&db.blob_root).len(), 1);
});

on_both!(
    nobody_outside_the_owners_scope_can_read_an_attachment,
    |db| {
        let w = world(&db.store).await;
        let owner = incident(&w, "inc-2");
        let v = db
            .store
            .store_attachment(
                &w.worker,
                &Placement::Owner(owner.clone()),
                upload("p.png", images::png(64, 64)),
            )
            .await
            .unwrap();
        for which in [Which::Original, Which::Thumbnail] {
            assert!(matches!(
                db.store.attachment_content(&w.outsider, &v.id, which).await,
                Err(StoreError::NotFound)
            ));
        }
        assert!(matches!(
            db.store.attachment(&w.outsider, &v.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            db.store
                .attachments_of(&w.outsider, &owner)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            db.store.attachments_of(&w.district, &owner).await.unwrap(),
            vec![v.clone()]
        );
        assert_eq!(db.store.attachment(&w.colleague, &v.id).await.unwrap(), v);
        // Nor place one on an owner outside their scope.
        let elsewhere = Owner {
            path: ScopePath::from_path("42/4202/420202/420202001/420202001001/"),
            ..owner
        };
        assert!(!w.outsider.scope.contains(elsewhere.path.as_str()));
        assert!(matches!(
            db.store
                .store_attachment(
                    &w.outsider,
                    &Placement::Owner(elsewhere),
                    upload("x.txt", b"hi".to_vec())
                )
                .await,
            Err(StoreError::NotFound)
        ));
    }
);

on_both!(
    an_attachment_without_an_owner_is_its_uploaders_alone,
    |db| {
        let w = world(&db.store).await;
        let v = db
            .store
            .store_attachment(&w.worker, &PENDING, upload("p.webp", images::webp(50, 40)))
            .await
            .unwrap();
        assert_eq!(v.owner_id, None);
        assert!(
            db.store
                .attachment_content(&w.worker, &v.id, Which::Thumbnail)
                .await
                .is_ok()
        );
        for other in [&w.colleague, &w.district, &w.outsider] {
            assert!(matches!(
                db.store
                    .attachment_content(other, &v.id, Which::Original)
                    .await,
                Err(StoreError::NotFound)
            ));
        }
        // Only its uploader can attach it; then the owner's scope sees it.
        let owner = incident(&w, "inc-3");
        assert!(matches!(
            db.store
                .attach(&w.colleague, std::slice::from_ref(&v.id), &owner)
                .await,
            Err(StoreError::NotFound)
        ));
        db.store
            .attach(&w.worker, std::slice::from_ref(&v.id), &owner)
            .await
            .unwrap();
        let seen = db.store.attachment(&w.colleague, &v.id).await.unwrap();
        assert_eq!(seen.owner_id.as_deref(), Some("inc-3"));
        assert!(
            db.store
                .attachment_content(&w.district, &v.id, Which::Original)
                .await
                .is_ok()
        );
        // Attached once only.
        assert!(matches!(
            db.store
                .attach(
                    &w.worker,
                    std::slice::from_ref(&v.id),
                    &incident(&w, "inc-4")
                )
                .await,
            Err(StoreError::NotFound)
        ));
    }
);

on_both!(an_owner_takes_nine_photos_at_most, |db| {
    let w = world(&db.store).await;
    let owner = incident(&w, "inc-5");
    let photos = |n: u32| {
        (0..n)
            .map(|i| upload("p.png", images::png(8 + i, 8)))
            .collect()
    };
    let placed = Placement::Owner(owner.clone());
    db.store
        .store_attachments(&w.worker, &placed, photos(8))
        .await
        .unwrap();
    let refused = refusals(
        db.store
            .store_attachments(&w.worker, &placed, photos(2))
            .await,
    );
    assert_eq!(refused[0].0, "too_many_files");
    assert!(
        refused[0].1.contains("at most 9 photos: 8 already, 2 more"),
        "{}",
        refused[0].1
    );
    // More files than an owner may take are refused before any is looked at.
    let refused = refusals(
        db.store
            .store_attachments(&w.worker, &PENDING, photos(15))
            .await,
    );
    assert!(
        refused[0]
            .1
            .contains("at most 9 photos and 5 documents at once"),
        "{refused:?}"
    );
    // A pending one counts when it is attached.
    let pending = db
        .store
        .store_attachments(&w.worker, &PENDING, photos(2))
        .await
        .unwrap();
    let ids: Vec<String> = pending.into_iter().map(|v| v.id).collect();
    let refused = refusals(db.store.attach(&w.worker, &ids, &owner).await);
    assert_eq!(refused[0].0, "too_many_files");
    db.store.attach(&w.worker, &ids[..1], &owner).await.unwrap();
    assert_eq!(
        db.store
            .attachments_of(&w.worker, &owner)
            .await
            .unwrap()
            .len(),
        9
    );
});

on_both!(
    the_sweep_takes_abandoned_uploads_and_unnamed_blobs_and_spares_the_rest,
    |db| {
        use gridgov_store::attachments::{BLOB_GRACE_MS, BlobStore, FsBlobStore, PENDING_TTL_MS};
        let w = world(&db.store).await;
        let start = 1_795_392_000_000;
        db.clock.set_ms(start);
        // Kept: attached to an incident. Abandoned: pending, its own photo. Shared: pending,
        // but the same content as the attached one.
        let kept = db
            .store
            .store_attachment(&w.worker, &PENDING, upload("a.jpg", images::jpeg(200, 100)))
            .await
            .unwrap();
        db.store
            .attach(
                &w.worker,
                std::slice::from_ref(&kept.id),
                &incident(&w, "inc-9"),
            )
            .await
            .unwrap();
        db.store
            .store_attachment(&w.worker, &PENDING, upload("b.png", images::png(30, 20)))
            .await
            .unwrap();
        db.store
            .store_attachment(&w.worker, &PENDING, upload("c.jpg", images::jpeg(200, 100)))
            .await
            .unwrap();
        // Bytes whose rows never came (an upload refused after its blobs were written).
        let blobs = FsBlobStore::open(&db.blob_root)
            .unwrap()
            .with_clock(db.clock.clone() as std::sync::Arc<dyn gridgov_store::Clock>);
        blobs.put(b"orphan bytes".to_vec()).await.unwrap();
        let files = blob_files(&db.blob_root).len();
        assert_eq!(files, 5, "two photos with thumbnails, and the orphan");

        // Within the grace nothing goes: the pending uploads are young, the orphan too.
        let r = db.store.sweep_attachments().await.unwrap();
        assert_eq!((r.pending_removed, r.blobs_removed), (0, 0));

        // A day later the orphan is past its grace; the pending uploads are not yet stale.
        db.clock.set_ms(start + 24 * 3_600_000);
        let r = db.store.sweep_attachments().await.unwrap();
        assert_eq!((r.pending_removed, r.blobs_removed), (0, 1));
        assert_eq!(blob_files(&db.blob_root).len(), 4);

        // Past the pending lifetime: both pending rows go, and the abandoned photo's bytes;
        // the shared content stays, named by the attached row.
        db.clock.set_ms(start + PENDING_TTL_MS + BLOB_GRACE_MS + 1);
        let r = db.store.sweep_attachments().await.unwrap();
        assert_eq!(r.pending_removed, 2);
        assert_eq!(r.blobs_removed, 2, "the abandoned photo and its thumbnail");
        let left = db
            .store
            .scalar_for_tests("SELECT COUNT(*) FROM attachments")
            .await
            .unwrap();
        assert_eq!(left, 1);
        assert_eq!(blob_files(&db.blob_root).len(), 2);
        let got = db
            .store
            .attachment_content(&w.worker, &kept.id, Which::Original)
            .await
            .unwrap();
        assert!(!got.bytes.is_empty());
        // Put again just now: an old blob renewed by an upload is spared by the last look.
        let again = blobs.put(images::jpeg(200, 100)).await.unwrap();
        assert!(
            !blobs
                .delete_if_put_before(&again, start + PENDING_TTL_MS + 1)
                .await
                .unwrap()
        );
        // The sweep is on the audit chain, which still verifies.
        let v = db.store.verify_audit().await.unwrap();
        assert!(v.first_broken.is_none());
    }
);
