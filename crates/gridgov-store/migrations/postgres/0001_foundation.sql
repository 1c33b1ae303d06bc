-- Foundation: regions, users, sessions, API tokens, login throttle, audit chain.
-- Kept in lockstep with ../sqlite/0001_foundation.sql: same tables, columns and indexes.
-- Times are Unix milliseconds (UTC) in BIGINT columns on both databases; flags are INTEGER 0/1.
-- Paths use the C collation so that the scope range (path >= s AND path < s || '~') is bytewise
-- on every server locale, as it is on SQLite.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    parent_code TEXT REFERENCES regions (code),
    path        TEXT COLLATE "C" NOT NULL,
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
-- (SQLite stores this table WITHOUT ROWID; PostgreSQL has no such option and needs none.)
CREATE UNIQUE INDEX regions_path ON regions (path);
CREATE INDEX regions_parent ON regions (parent_code, code);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    username            TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL,
    scope_code          TEXT,
    scope_path          TEXT COLLATE "C" NOT NULL,
    password_hash       TEXT NOT NULL,
    disabled            BIGINT NOT NULL DEFAULT 0,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_scope ON users (scope_path);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_failures (
    username        TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    first_failed_at BIGINT NOT NULL,
    locked_until    BIGINT
);

CREATE TABLE audit_heads (
    stream TEXT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL
);

CREATE TABLE audit_log (
    stream     TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    resource   TEXT NOT NULL,
    scope_path TEXT COLLATE "C" NOT NULL,
    summary    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (stream, seq)
);
CREATE INDEX audit_log_scope_at ON audit_log (scope_path, at);
CREATE INDEX audit_log_at ON audit_log (at);
