-- Supervision (督办) and extensions (延期): pressure from a higher center on an open incident,
-- and more time asked by a handler and decided by the dispatching center.

-- Reminders (催办) are counted on the incident; each is an event on its audit stream. A reminder
-- does not bump the incident's version: it changes nothing an action decides from.
ALTER TABLE incidents ADD COLUMN reminders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN last_reminded_at BIGINT;

-- The most working days a task of this category may be extended by in all; NULL takes the
-- default of gridgov-core (`supervision::DEFAULT_MAX_EXTENSION_DAYS`).
ALTER TABLE incident_categories ADD COLUMN max_extension_days BIGINT;

-- Supervision cards (督办单): yellow, red or black; issued by a higher center to the center or
-- department that holds the work, with a deadline for a written reply. Each card has its own
-- audit stream `supervision_card:<id>`; its issue is an event on the incident's stream too.
CREATE TABLE supervision_cards (
    county_code     TEXT NOT NULL,
    id              TEXT NOT NULL,
    incident_id     TEXT NOT NULL,
    colour          TEXT NOT NULL,
    -- issued | replied | accepted | closed
    state           TEXT NOT NULL,
    issuer_id       TEXT NOT NULL,
    -- The scope path of the issuing center: it and centers above it act for the issuer.
    issuer_path     TEXT NOT NULL,
    -- center (a region code) | department (a department id)
    addressee_type  TEXT NOT NULL,
    addressee_id    TEXT NOT NULL,
    -- The center's scope path, or the path of the region the department serves.
    addressee_path  TEXT NOT NULL,
    note            TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    reply           TEXT,
    replied_by      TEXT,
    replied_at      BIGINT,
    sent_back_count BIGINT NOT NULL DEFAULT 0,
    decided_by      TEXT,
    decided_at      BIGINT,
    decision_note   TEXT,
    -- The listed supervision (挂牌督办) it was issued in, one id per list.
    batch_id        TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX supervision_cards_incident ON supervision_cards (county_code, incident_id);
CREATE INDEX supervision_cards_addressee
    ON supervision_cards (addressee_type, addressee_id, state);
CREATE INDEX supervision_cards_state_due ON supervision_cards (state, due_at);

-- Requests for more time on a task (延期申请) and their decisions.
CREATE TABLE incident_extensions (
    county_code TEXT NOT NULL,
    id          TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    days        BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    -- pending | granted | refused
    state       TEXT NOT NULL,
    asked_by    TEXT NOT NULL,
    asked_at    BIGINT NOT NULL,
    decided_by  TEXT,
    decided_at  BIGINT,
    note        TEXT,
    -- The task's due time before and after a grant.
    due_before  BIGINT,
    due_after   BIGINT,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX incident_extensions_incident ON incident_extensions (county_code, incident_id);
-- One request pending per task at a time: a second, concurrent or not, is refused.
CREATE UNIQUE INDEX incident_extensions_one_pending
    ON incident_extensions (county_code, task_id) WHERE state = 'pending';
