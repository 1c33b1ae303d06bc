-- Duplicate suggestions and the outcome of merged incidents (see docs/architecture.md,
-- "Duplicates"). Kept in lockstep with ../sqlite/0011_duplicates.sql: same columns and indexes.

-- The county of the incident a duplicate was merged into: with merged_into (its id) the primary
-- key of the one that carries on, so a chain of merges is followed by key, not by a scan.
ALTER TABLE incidents ADD COLUMN merged_into_county TEXT;
UPDATE incidents SET merged_into_county =
    (SELECT t.county_code FROM incidents t WHERE t.id = incidents.merged_into)
    WHERE merged_into IS NOT NULL;
-- What was merged into an incident, for its page.
CREATE INDEX incidents_merged_into ON incidents (merged_into_county, merged_into);

-- Candidates in the reporter's grid, newest first.
CREATE INDEX incidents_grid_reported ON incidents (grid_id, reported_at);
-- Candidates within 200 m, whatever their grid: latitude bands of 0.002° (about 220 m), then a
-- short range of longitude inside each band; a 400 m box touches at most four bands. The query
-- writes the same expression, round(lat * 500), so the index serves it.
CREATE INDEX incidents_near ON incidents ((round(lat * 500)), lng, reported_at);
