-- Settings per region, inherited down the tree, and the clocks of the incident loop's time
-- limits (see docs/architecture.md, "Settings per region" and "Time limits and lights").
-- Kept in lockstep with ../sqlite/0014_region_settings.sql: same tables, columns and indexes.

-- One value of one kind set on one region; it applies to everything below the region unless a
-- lower region sets its own. The value is JSON, checked by gridgov-core before it is stored.
-- Every change is on the audit stream `settings:<region code>` in the same transaction.
-- On PostgreSQL the path column is COLLATE "C" (bytewise ranges), as elsewhere.
CREATE TABLE region_settings (
    region_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    path        TEXT COLLATE "C" NOT NULL,
    value       TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (region_code, kind)
);
-- A region's own values and its ancestors' are read by path: the ancestors' paths are its
-- prefixes, so one IN list.
CREATE INDEX region_settings_path ON region_settings (path);

-- The incident's clock for the step it is in (accept, dispatch, handle, review): when the step
-- started, when it is due, and while suspended the working time it had left (milliseconds;
-- negative when it was already overdue). NULL due: no step, or a due time the calendar cannot
-- give (a limit past the last published year).
ALTER TABLE incidents ADD COLUMN clock_started_at BIGINT;
ALTER TABLE incidents ADD COLUMN due_at BIGINT;
ALTER TABLE incidents ADD COLUMN clock_left_ms BIGINT;

-- Each task's own handle clock, the same way.
ALTER TABLE incident_tasks ADD COLUMN clock_started_at BIGINT;
ALTER TABLE incident_tasks ADD COLUMN due_at BIGINT;
ALTER TABLE incident_tasks ADD COLUMN clock_left_ms BIGINT;
