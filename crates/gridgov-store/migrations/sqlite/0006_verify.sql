-- Source comparison and verification (人房比对, 认领核对): a second source of persons loaded
-- beside the records, compared with them in the database, and the differences turned into
-- tasks that grid workers claim, check on the ground and decide.
-- Kept in lockstep with ../postgres/0006_verify.sql: same tables, columns and indexes.
--
-- Like the other large tables, source_persons and verification_tasks carry county_code as their
-- distribution column and have no foreign keys: the comparison writes them in one set-based
-- statement each, and decisions find the rows they need inside the caller's scope.

-- One loaded source and what comparing it found. Its id is also the id of the import_batches row
-- of the load, so a record that takes a source's values names that batch as its provenance.
CREATE TABLE comparisons (
    id                 TEXT PRIMARY KEY,
    source             TEXT NOT NULL,
    file_name          TEXT NOT NULL,
    actor_id           TEXT NOT NULL,
    actor_name         TEXT NOT NULL,
    -- What was compared: the comparing user's scope, or the area they chose inside it.
    scope_path         TEXT NOT NULL,
    rows_read          BIGINT NOT NULL,
    rows_loaded        BIGINT NOT NULL,
    rejected           BIGINT NOT NULL,
    differs            BIGINT NOT NULL,
    missing_in_records BIGINT NOT NULL,
    missing_in_source  BIGINT NOT NULL,
    load_ms            BIGINT NOT NULL,
    compare_ms         BIGINT NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX comparisons_scope ON comparisons (scope_path);

-- The rows of a second source, checked and sealed exactly as persons are (same columns), kept
-- for the decisions that take the source's side.
CREATE TABLE source_persons (
    comparison_id      TEXT NOT NULL,
    -- The row in the source file (the header is row 1), so a worker can find it there.
    row_no             BIGINT NOT NULL,
    id                 TEXT NOT NULL,
    county_code        TEXT NOT NULL,
    grid_id            TEXT NOT NULL,
    path               TEXT NOT NULL,
    name               TEXT NOT NULL,
    id_card_sealed     TEXT NOT NULL,
    id_card_bidx       TEXT NOT NULL,
    gender             TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    id_flags           TEXT NOT NULL,
    ethnicity          TEXT NOT NULL,
    phone_sealed       TEXT,
    phone_bidx         TEXT,
    registered_address TEXT NOT NULL,
    residence_type     TEXT NOT NULL,
    tags               TEXT NOT NULL,
    created_batch      TEXT,
    updated_batch      TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
-- The key the comparison joins persons on (their natural key), and the one source row a task
-- names. A unique index rather than a primary key, so a first load can build it after the rows.
CREATE UNIQUE INDEX source_persons_key ON source_persons (comparison_id, county_code, id_card_bidx);
CREATE INDEX source_persons_id ON source_persons (county_code, id);

-- One difference for a grid to check. kind: differs | missing_in_records | missing_in_source;
-- status: open | claimed | resolved. fields is a JSON list of the fields that differ with both
-- sides' values, except phones, of which it says only that they differ (ID numbers never
-- differ: they are the key).
CREATE TABLE verification_tasks (
    id            TEXT NOT NULL,
    comparison_id TEXT NOT NULL,
    county_code   TEXT NOT NULL,
    grid_id       TEXT NOT NULL,
    path          TEXT NOT NULL,
    -- The record (none when the person is missing in the records).
    person_id     TEXT,
    -- The source row (none when the person is missing in the source).
    source_row_id TEXT,
    source_row_no BIGINT,
    -- The person's name when compared, so a list reads without joining either side.
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    fields        TEXT NOT NULL,
    status        TEXT NOT NULL,
    claimed_by    TEXT,
    claimed_at    BIGINT,
    decision      TEXT,
    decided_by    TEXT,
    decided_at    BIGINT,
    note          TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
-- Task ids reach the API without their county; this answers them.
CREATE INDEX verification_tasks_id ON verification_tasks (id);
-- A scope's open (or claimed) tasks in path order: the workers' list.
CREATE INDEX verification_tasks_status ON verification_tasks (status, path);
CREATE INDEX verification_tasks_comparison ON verification_tasks (comparison_id, status);
