-- Notifications: each user's inbox of notices, and the outbound deliveries of each notice (SMS
-- through a gateway, WeCom and DingTalk group robots) sent by the `notify_deliver` job with
-- retries, a dead-letter list and quiet hours. See docs/architecture.md, "Notifications".
-- Kept in lockstep with ../sqlite/0018_notifications.sql: same tables, columns and indexes.
-- `path` is COLLATE "C" here so the scope range is bytewise, as on every path column.

CREATE TABLE notices (
    id              TEXT PRIMARY KEY,
    -- Whose inbox it is in. Every read and change is filtered by it: a notice is its
    -- recipient's alone.
    user_id         TEXT NOT NULL,
    -- assigned, sent_back, summoned, evaluated, due_soon, overdue, escalated, supervised.
    kind            TEXT NOT NULL,
    -- The incident it is about (none for a notice of no incident), its number and title as
    -- they were, so the inbox reads no other table.
    county_code     TEXT,
    incident_id     TEXT,
    incident_number TEXT NOT NULL,
    title           TEXT NOT NULL,
    -- What the kind's sentence needs besides (a department's name, a reason, a rating), JSON;
    -- the sentence is rendered in the reader's language when shown.
    params          TEXT NOT NULL,
    -- The event it tells of: one notice per recipient and event, however often it is enqueued.
    event_key       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    read_at         BIGINT
);
CREATE UNIQUE INDEX notices_event_user ON notices (event_key, user_id);
-- The inbox, newest first by keyset; the header's unread count reads the second.
CREATE INDEX notices_user_created ON notices (user_id, created_at, id);
CREATE INDEX notices_user_unread ON notices (user_id, read_at);

-- One outbound delivery: a notice sent on one channel to one target (a phone for SMS, a
-- group robot's name for WeCom and DingTalk), claimed by lease before it is sent.
CREATE TABLE notice_deliveries (
    id           TEXT PRIMARY KEY,
    notice_id    TEXT NOT NULL,
    -- sms, wecom, dingtalk.
    channel      TEXT NOT NULL,
    target       TEXT NOT NULL,
    -- Never twice to the same person or group: event × channel × target is unique.
    dedupe_key   TEXT NOT NULL,
    -- The region path whose notify_channels setting says how to reach the channel at send time.
    path         TEXT COLLATE "C" NOT NULL,
    -- pending, sending, sent, dead.
    state        TEXT NOT NULL,
    -- Not before this time: a retry's backoff, or the end of quiet hours for SMS.
    next_at      BIGINT NOT NULL,
    attempts     BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX notice_deliveries_dedupe ON notice_deliveries (dedupe_key);
-- What a claim looks for: pending deliveries that are due, sending ones whose lease ran out.
CREATE INDEX notice_deliveries_due ON notice_deliveries (state, next_at);
CREATE INDEX notice_deliveries_lease ON notice_deliveries (state, lease_until);
-- The dead-letter list of a scope, newest first.
CREATE INDEX notice_deliveries_state_path ON notice_deliveries (state, path, updated_at);
