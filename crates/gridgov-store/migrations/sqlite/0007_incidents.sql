-- The closed loop (研交办督结): linked departments and their handlers, the category tree, and
-- incidents with their dual-line tasks, parties and attachments.
-- Kept in lockstep with ../postgres/0007_incidents.sql: same tables, columns and indexes.
--
-- An incident's record of what happened to it (every action, who, when, from which state to
-- which, the typed event) is its audit stream `incident:<id>`, written in the same transaction
-- as the change: one append-only, hash-chained history rather than a second table beside it.
--
-- Incidents and their tasks, parties and attachments carry county_code as their distribution
-- column, in every primary and unique key, like the other large tables.

-- Linked departments (联动部门): the region they serve is their scope.
CREATE TABLE departments (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- public_security, housing_construction, urban_management … (core's Sector codes).
    sector      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    path        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    active      BIGINT NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX departments_region_name ON departments (region_code, name);
CREATE INDEX departments_path ON departments (path);

-- The department a handler works for: one each, so "my department's tasks" has one answer.
CREATE TABLE department_members (
    user_id       TEXT PRIMARY KEY,
    department_id TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX department_members_department ON department_members (department_id);

-- The category tree, up to three levels; a child's code begins with its parent's.
CREATE TABLE incident_categories (
    code              TEXT PRIMARY KEY,
    parent_code       TEXT,
    level             BIGINT NOT NULL,
    name              TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    default_grade     TEXT NOT NULL,
    -- The sectors that usually handle it, comma-separated sector codes.
    sectors           TEXT NOT NULL,
    evidence_required BIGINT NOT NULL DEFAULT 0,
    -- Open to citizens' reports (the front doors of a later release).
    public            BIGINT NOT NULL DEFAULT 1,
    active            BIGINT NOT NULL DEFAULT 1,
    sort_order        BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX incident_categories_parent ON incident_categories (parent_code, sort_order);

-- The last number given per county and day: `SJ-<county>-<yyyymmdd>-<seq>`. Bumped in the
-- transaction that writes the incident, so a rolled-back report gives its number back and there
-- are no gaps; the row lock (PostgreSQL) or the write lock (SQLite) makes them unique.
CREATE TABLE incident_numbers (
    county_code TEXT NOT NULL,
    day         TEXT NOT NULL,
    last_seq    BIGINT NOT NULL,
    PRIMARY KEY (county_code, day)
);

CREATE TABLE incidents (
    county_code      TEXT NOT NULL,
    id               TEXT NOT NULL,
    number           TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    category_code    TEXT NOT NULL,
    grade            TEXT NOT NULL,
    source           TEXT NOT NULL,
    state            TEXT NOT NULL,
    -- The account that reported it; none for a feed or a citizen without one.
    reporter_id      TEXT,
    reporter_name    TEXT NOT NULL,
    occurred_at      BIGINT,
    reported_at      BIGINT NOT NULL,
    -- WGS84, when the report had a position.
    lng              DOUBLE PRECISION,
    lat              DOUBLE PRECISION,
    address          TEXT NOT NULL,
    -- The grid it lies in (when known) and the region: the grid's village, or the region a
    -- report without a grid was placed in. `path` is the incident's scope.
    grid_id          TEXT,
    region_code      TEXT NOT NULL,
    path             TEXT NOT NULL,
    -- The scope of the center holding it: the one it was reported to, then the one that
    -- accepted and dispatched it.
    center_path      TEXT NOT NULL,
    merged_into      TEXT,
    resolution_level TEXT,
    evaluation       TEXT,
    reopen_count     BIGINT NOT NULL DEFAULT 0,
    rework_count     BIGINT NOT NULL DEFAULT 0,
    return_count     BIGINT NOT NULL DEFAULT 0,
    shirking         BIGINT NOT NULL DEFAULT 0,
    closed_at        BIGINT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX incidents_number ON incidents (county_code, number);
-- Work lists: by scope, newest first (keyset on reported_at, id), and by state within scope.
CREATE INDEX incidents_path_reported ON incidents (path, reported_at, id);
CREATE INDEX incidents_state_path ON incidents (state, path, reported_at);
CREATE INDEX incidents_center_state ON incidents (center_path, state);
CREATE INDEX incidents_reporter ON incidents (reporter_id, reported_at);
CREATE INDEX incidents_grid ON incidents (grid_id, state);

-- The tasks of dual-line dispatch: the territorial chain (a grid, or a village, township or
-- county by region code) and departments (lead and assisting), each with its own state.
CREATE TABLE incident_tasks (
    county_code    TEXT NOT NULL,
    id             TEXT NOT NULL,
    incident_id    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    -- department | grid | region, and its id (a department's or grid's id, a region code).
    assignee_type  TEXT NOT NULL,
    assignee_id    TEXT NOT NULL,
    state          TEXT NOT NULL,
    -- Given by a whistle (吹哨): the department must report in (报到) by the due time.
    summoned       BIGINT NOT NULL DEFAULT 0,
    report_in_due  BIGINT,
    reported_in_at BIGINT,
    handler_id     TEXT,
    result         TEXT,
    handled_at     BIGINT,
    return_count   BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX incident_tasks_incident ON incident_tasks (county_code, incident_id);
CREATE INDEX incident_tasks_assignee ON incident_tasks (assignee_type, assignee_id, state);

-- The parties: a person record (found by ID number inside the reporter's scope) or free text.
CREATE TABLE incident_parties (
    county_code   TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    person_county TEXT,
    person_id     TEXT,
    name          TEXT NOT NULL,
    side          TEXT NOT NULL,
    note          TEXT NOT NULL,
    PRIMARY KEY (county_code, incident_id, seq)
);
CREATE INDEX incident_parties_person ON incident_parties (person_county, person_id);

-- Attachments (photos, documents) of an incident and of its actions.
CREATE TABLE incident_attachments (
    county_code   TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    added_at      BIGINT NOT NULL,
    PRIMARY KEY (county_code, incident_id, attachment_id)
);

-- A report sent again with the same Idempotency-Key answers with the incident it made.
CREATE TABLE incident_idempotency (
    actor_id     TEXT NOT NULL,
    key          TEXT NOT NULL,
    county_code  TEXT NOT NULL,
    incident_id  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (actor_id, key)
);
