#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The backup drill, as an operator runs it: a city's data backed up while it is in use,
//! restored onto a new site with the data key kept apart, and checked: every table whole, the
//! audit chain intact, sealed ID numbers readable with the key and refused without it. On SQLite
//! and on PostgreSQL, through the real binary.

mod backup_support;

use std::time::Instant;

use backup_support::{DEMO_REGIONS, Site, an_imported_person, block_on, ok, refused};
use gridgov_core::auth::Actor;
use gridgov_store::Backend;
use gridgov_store::protect::FieldKind;

/// Not the key of any site here.
const OTHER_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0";

/// The blob files under a folder, as (name, bytes), sorted.
fn blob_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_backup_drill_on_sqlite() {
    drill(Backend::Sqlite);
}

#[test]
fn the_backup_drill_on_postgres() {
    drill(Backend::Postgres);
}

fn drill(backend: Backend) {
    let started = Instant::now();
    let source = Site::new(backend, "source");
    let persons_csv = seed(&source);
    let seeded = started.elapsed();
    let key = source.data_key();
    let person = block_on(async {
        let store = source.store(&key).await;
        let p = an_imported_person(&store, &persons_csv).await;
        store.close().await;
        p
    });
    // A photo a worker uploaded: the backup must carry its bytes and thumbnail.
    block_on(async {
        use gridgov_store::attachments::{FsBlobStore, OwnerKind, Placement, Upload};
        let blobs = FsBlobStore::open(source.dir.join("blobs")).unwrap();
        let store = source
            .store(&key)
            .await
            .with_blobs(std::sync::Arc::new(blobs));
        let op = store
            .user_by_username(&Actor::system(), "hs-op")
            .await
            .unwrap()
            .actor();
        let upload = Upload {
            file_name: "现场.jpg".into(),
            bytes: gridgov_store::testing::images::jpeg(320, 240),
        };
        store
            .store_attachment(&op, &Placement::Pending(OwnerKind::Incident), upload)
            .await
            .unwrap();
        store.close().await;
    });
    let before = source.counts();
    assert!(before["persons"] > 0 && before["audit_log"] > 0 && before["verification_tasks"] > 0);

    // The backup: private, complete or absent, and it says the keys are not in it.
    let file = source.dir.join("drill.backup");
    let f = file.to_str().unwrap();
    let t = ok(source.run(&["backup", "--out", f], None));
    assert!(
        t.contains("NOT in the backup") && t.contains("备份中不含数据密钥"),
        "{t}"
    );
    assert!(
        t.contains(&format!("persons 人口 {}", before["persons"])),
        "{t}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the backup is readable by its owner only"
        );
    }
    assert!(t.contains("attachments / 附件: 2 files"), "{t}");
    let carried = source.dir.join("drill.backup.blobs");
    assert_eq!(blob_files(&carried), blob_files(&source.dir.join("blobs")));
    assert_eq!(blob_files(&carried).len(), 2, "the photo and its thumbnail");
    let leftovers: Vec<String> = std::fs::read_dir(&source.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let t = refused(source.run(&["backup", "--out", f], None));
    assert!(t.contains("already exists"), "{t}");
    let backed_up = started.elapsed();

    // A new site, migrated and empty. The data key is not there yet: refused, nothing made.
    let target = Site::new(backend, "target");
    ok(target.run(&["migrate"], None));
    let empty = target.counts();
    let restore = ["restore", "--from", f];
    let t = refused(target.run(&restore, None));
    assert!(t.contains("no data key is configured"), "{t}");
    assert!(!target.dir.join("data.key").exists(), "no key was invented");
    assert_eq!(target.counts(), empty);
    // Another key: refused, because the sealed values could not be read with it.
    let t = refused(target.run_with_key(OTHER_KEY, &restore));
    assert!(
        t.contains("is not the key this backup's ID numbers and phones were sealed with")
            && t.contains("无法读取")
            && t.contains("Nothing was changed"),
        "{t}"
    );
    assert_eq!(target.counts(), empty);

    // The key kept apart is put in place: restored, migrated, verified.
    std::fs::write(target.dir.join("data.key"), format!("{key}\n")).unwrap();
    let t = ok(target.run(&restore, None));
    assert!(t.contains("data key matches the backup"), "{t}");
    assert!(t.contains("audit chain intact"), "{t}");
    assert_eq!(target.counts(), before, "every table, row for row");
    assert!(t.contains("attachments / 附件: 2 files"), "{t}");
    assert!(!t.contains("missing"), "{t}");
    assert_eq!(
        blob_files(&target.dir.join("blobs")),
        blob_files(&source.dir.join("blobs"))
    );
    let t = ok(target.run(&["audit", "verify"], None));
    assert!(t.contains("audit chain intact"), "{t}");
    let restored = started.elapsed();

    // Into a database that holds data, without --force: refused, nothing changed.
    let file_bytes = |site: &Site| {
        (backend == Backend::Sqlite).then(|| std::fs::read(site.sqlite_file()).unwrap())
    };
    let bytes = file_bytes(&target);
    let t = refused(target.run(&restore, None));
    assert!(
        t.contains("already holds data") && t.contains("--force"),
        "{t}"
    );
    assert_eq!(target.counts(), before);
    assert_eq!(file_bytes(&target), bytes);

    // The sealed values open with the key and are the ones imported.
    block_on(async {
        let store = target.store(&key).await;
        // Unmasking is a center's or grid's right, not the system administrator's.
        let center = store
            .user_by_username(&Actor::system(), "hs-op")
            .await
            .unwrap()
            .actor();
        let found = store
            .search_persons(&center, &person.id_card, 5, 0)
            .await
            .unwrap();
        assert_eq!(found.persons.len(), 1, "found by the blind index");
        let open = |field| {
            store.unmask_person_field(
                &center,
                &person.county,
                &person.record_id,
                field,
                "恢复演练核对 restore drill",
            )
        };
        assert_eq!(open(FieldKind::IdCardNo).await.unwrap(), person.id_card);
        assert_eq!(open(FieldKind::Phone).await.unwrap(), person.phone);
        store.close().await;
    });
    // Opening the restored database with another key is refused.
    let persons = persons_csv.to_str().unwrap();
    let t = refused(target.run_with_key(OTHER_KEY, &["import", "persons", persons]));
    assert!(
        t.contains("is not the key this database's personal data was sealed with"),
        "{t}"
    );

    if backend == Backend::Sqlite {
        // A server holding the database open keeps a restore out.
        let rt = tokio::runtime::Runtime::new().unwrap();
        let held = rt.block_on(target.store(&key));
        let t = refused(target.run(&["restore", "--from", f, "--force"], None));
        assert!(t.contains("is in use"), "{t}");
        rt.block_on(held.close());
    }
    // With --force the backup replaces what is there (the unmaskings above included).
    assert_ne!(target.counts(), before);
    ok(target.run(&["restore", "--from", f, "--force"], None));
    assert_eq!(target.counts(), before);

    eprintln!(
        "{backend:?} drill: seeded in {:.1} s, backed up at {:.1} s, restored and checked at \
         {:.1} s, done at {:.1} s",
        seeded.as_secs_f64(),
        backed_up.as_secs_f64(),
        restored.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn backups_of_an_older_gridgov_are_migrated_and_of_a_newer_one_refused_on_sqlite() {
    other_versions(Backend::Sqlite);
}

#[test]
fn backups_of_an_older_gridgov_are_migrated_and_of_a_newer_one_refused_on_postgres() {
    other_versions(Backend::Postgres);
}

fn other_versions(backend: Backend) {
    // A database as the version before source comparison left it: without migration 6.
    let source = Site::new(backend, "older");
    ok(source.run(&["import", "regions", DEMO_REGIONS], None));
    source.execute(
        "DROP TABLE verification_tasks; DROP TABLE source_persons; DROP TABLE comparisons; \
         DELETE FROM _sqlx_migrations WHERE version = 6",
    );
    let older = source.dir.join("older.backup");
    let o = older.to_str().unwrap();
    // Backing up does not migrate: the backup holds the schema as it was.
    ok(source.run(&["backup", "--out", o], None));
    assert!(!source.counts().contains_key("verification_tasks"));

    let target = Site::new(backend, "newer_binary");
    let t = ok(target.run(&["restore", "--from", o], None));
    assert!(t.contains("1 applied"), "{t}");
    let restored = target.counts();
    assert_eq!(restored["verification_tasks"], 0);
    assert_eq!(restored["regions"], source.counts()["regions"]);

    // A migration this gridgov does not know: made by a newer version, refused whole.
    let future = match backend {
        Backend::Sqlite => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (9999, 'future', 1, X'00', 0)"
        }
        Backend::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (9999, 'future', true, '\\x00'::bytea, 0)"
        }
    };
    source.execute(future);
    let newer = source.dir.join("newer.backup");
    let n = newer.to_str().unwrap();
    ok(source.run(&["backup", "--out", n], None));
    let fresh = Site::new(backend, "older_binary");
    let t = refused(fresh.run(&["restore", "--from", n], None));
    assert!(
        t.contains("made by a newer gridgov") && t.contains("9999"),
        "{t}"
    );
    assert!(fresh.counts().is_empty(), "nothing was restored");
}

/// A small city through the command line: regions, grids, buildings, houses, persons with
/// sealed ID numbers and phones, who lives where, an account, a source comparison raising
/// verification tasks, and the audit records of all of it. Returns the persons file.
fn seed(site: &Site) -> std::path::PathBuf {
    ok(site.run(&["import", "regions", DEMO_REGIONS], None));
    ok(site.run(&["grids", "one-per-village", "420202"], None));
    let gen_dir = site.dir.join("gen");
    let g = gen_dir.to_str().unwrap();
    let gen_args = [
        "bench",
        "gen",
        "--persons",
        "600",
        "--houses",
        "400",
        "--out",
        g,
    ];
    ok(site.run(&gen_args, None));
    let file = |k: &str| {
        gen_dir
            .join(format!("{k}.csv"))
            .to_str()
            .unwrap()
            .to_owned()
    };
    for kind in ["buildings", "houses", "persons", "links"] {
        ok(site.run(&["import", kind, &file(kind), "--accept-valid"], None));
    }
    let add = [
        "user",
        "add",
        "--username",
        "hs-op",
        "--role",
        "center_operator",
        "--scope",
        "420200",
        "--password-stdin",
    ];
    ok(site.run(&add, Some("a-long-pass-2026\n")));
    ok(site.run(&["user", "disable", "hs-op"], None));
    ok(site.run(&["user", "enable", "hs-op"], None));
    // A survey missing the file's first person: one task at least.
    let persons = std::fs::read_to_string(file("persons")).unwrap();
    let survey: Vec<&str> = persons
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| l)
        .collect();
    let survey_file = site.dir.join("survey.csv");
    std::fs::write(&survey_file, survey.join("\n")).unwrap();
    let s = survey_file.to_str().unwrap();
    ok(site.run(
        &["compare", s, "--source", "社区摸排", "--accept-valid"],
        None,
    ));
    gen_dir.join("persons.csv")
}
