-- Background jobs on leases: one table for all background work (the audit digest, claims that
-- lapse, sweeps, the desk's base-data imports), claimed by any server node for a while (the
-- lease) and taken over by another when the holder dies. See docs/architecture.md, "Jobs".
-- Kept in lockstep with ../postgres/0013_jobs.sql: same tables, columns and indexes.
-- `scope_path` is COLLATE "C" on PostgreSQL (bytewise ranges); SQLite compares bytes anyway.

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    -- Which handler runs it ('audit_digest', 'base_import', …) and its input as JSON text.
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    -- Enqueueing twice with one key makes one job: a periodic job is scheduled once per period
    -- however many nodes ask ('audit_digest:2026-12-06T10'). NULL for jobs without one.
    unique_key   TEXT,
    -- The scope the job works in ('' for the whole deployment), and who asked for it.
    scope_path   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    -- queued, running, done, failed.
    state        TEXT NOT NULL,
    -- Not before this time (a retry waits its backoff here).
    run_at       BIGINT NOT NULL,
    -- Claims so far (a lease that expired counts), and the most there may be.
    attempts     BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    -- The node holding (or, once finished, that last held) the job, and until when it holds it.
    lease_owner  TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    -- What a running job last reported (JSON), and what a finished one answered (JSON).
    progress     TEXT,
    result       TEXT,
    created_at   BIGINT NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT
);
-- One job per key; NULLs do not collide on either database.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
-- What a claim looks for: queued jobs that are due, running ones whose lease ran out.
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_lease ON jobs (state, lease_until);
-- The administration page: a scope's jobs by state, newest first.
CREATE INDEX jobs_state_scope ON jobs (state, scope_path, created_at);

-- A file a job reads (a desk import's upload), in chunks, so that whichever node claims the
-- job can read it: nothing of a job lives on one node's disk. Removed when the job ends.
CREATE TABLE job_files (
    job_id TEXT NOT NULL,
    seq    BIGINT NOT NULL,
    bytes  BLOB NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Claims left undecided past their time, found without reading every claimed task's path.
CREATE INDEX verification_tasks_claimed ON verification_tasks (status, claimed_at);
