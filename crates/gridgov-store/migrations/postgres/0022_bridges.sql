-- The 12345 hotline and 110 police bridges: their configuration, the orders each has sent (one
-- row per external order number: the key of idempotency, written in the report's own
-- transaction), and the status pushes back to each bridge with retries and dead letters.
-- See docs/architecture.md, "Bridges".
-- Kept in lockstep with ../sqlite/0022_bridges.sql: same tables, columns and indexes.
-- `path` is COLLATE "C" here so the scope range is bytewise, as on every path column.

CREATE TABLE bridges (
    -- A short name chosen on the desk, in the inbound address (/bridges/{id}/orders).
    id           TEXT PRIMARY KEY,
    -- hotline_12345 or police_110: the source its orders are reported under.
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- The city or county it serves: its orders are placed in grids of this region only.
    region_code  TEXT NOT NULL,
    path         TEXT COLLATE "C" NOT NULL,
    -- The shared HMAC secret, sealed under the data key; shown masked on the desk.
    secret_sealed TEXT NOT NULL,
    -- Where status changes are pushed; empty: none are.
    push_url     TEXT NOT NULL,
    -- The field mapping, JSON (gridgov_core::bridges::Mapping).
    mapping      TEXT NOT NULL,
    active       BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX bridges_path ON bridges (path);

-- One order a bridge sent. The primary key is the idempotency: a repeated delivery finds it
-- and stores nothing; two at once cannot both insert it.
CREATE TABLE bridge_orders (
    bridge_id          TEXT NOT NULL,
    external_no        TEXT NOT NULL,
    county_code        TEXT NOT NULL,
    incident_id        TEXT NOT NULL,
    incident_number    TEXT NOT NULL,
    path               TEXT COLLATE "C" NOT NULL,
    caller_name        TEXT NOT NULL,
    -- The caller's phone, sealed under the data key ('' when none was sent).
    caller_phone_sealed TEXT NOT NULL,
    received_at        BIGINT NOT NULL,
    PRIMARY KEY (bridge_id, external_no)
);
-- An incident action finds whether its incident came from a bridge.
CREATE INDEX bridge_orders_incident ON bridge_orders (county_code, incident_id);
-- The inbound log of a scope, newest first.
CREATE INDEX bridge_orders_path ON bridge_orders (path, received_at);

-- One status push to a bridge, claimed by lease before it is sent (as notice deliveries are).
CREATE TABLE bridge_pushes (
    id           TEXT PRIMARY KEY,
    bridge_id    TEXT NOT NULL,
    external_no  TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    -- accepted, dispatched, handled, closed, returned.
    status       TEXT NOT NULL,
    -- The JSON body as it is sent, fixed when the action happened.
    body         TEXT NOT NULL,
    -- One push per incident version and status, however often it is enqueued.
    dedupe_key   TEXT NOT NULL,
    -- The bridge's path: the scope of the delivery log and the dead letters.
    path         TEXT COLLATE "C" NOT NULL,
    -- pending, sending, sent, dead.
    state        TEXT NOT NULL,
    next_at      BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    -- The HTTP status of the last answer, if one came.
    last_code    BIGINT,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX bridge_pushes_dedupe ON bridge_pushes (dedupe_key);
CREATE INDEX bridge_pushes_due ON bridge_pushes (state, next_at);
CREATE INDEX bridge_pushes_lease ON bridge_pushes (state, lease_until);
-- The delivery log of a scope newest first, and its dead letters.
CREATE INDEX bridge_pushes_path ON bridge_pushes (path, updated_at);
CREATE INDEX bridge_pushes_state_path ON bridge_pushes (state, path, updated_at);
