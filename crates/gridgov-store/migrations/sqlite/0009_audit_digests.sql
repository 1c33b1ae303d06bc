-- Digests of the audit log: a chain of rows, each fixing the head (sequence number and hash) of
-- every stream that changed between the previous digest's cutoff and its own, so that cutting
-- the tail off a stream and rewinding its head is caught (see docs/architecture.md, "The audit
-- chain"). Written about hourly by the server and by `gridgov audit digest`.
-- Kept in lockstep with ../postgres/0009_audit_digests.sql: same table, columns and constraints.
-- (Numbered 0009 while 0008 is taken by work in progress elsewhere; sqlx applies a lower
-- version that arrives later all the same.)

CREATE TABLE audit_digests (
    seq     BIGINT PRIMARY KEY,
    -- When it was written, and the time up to which it covers records (trailing `at`).
    at      BIGINT NOT NULL,
    cutoff  BIGINT NOT NULL,
    -- Streams with a record in the interval, and records in the interval.
    streams BIGINT NOT NULL,
    records BIGINT NOT NULL,
    -- SHA-256 over the heads, hex; the previous digest's hash (or the genesis value); this row's
    -- hash over prev and every field.
    digest  TEXT NOT NULL,
    prev    TEXT NOT NULL,
    hash    TEXT NOT NULL
);
