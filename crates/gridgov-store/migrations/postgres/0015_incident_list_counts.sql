-- A work list's total is counted (up to 10,000) over the caller's range with the list's
-- filters. With only (path, reported_at, id) to go by, a filter on the category, state, grade or
-- source sent each counted row to the table (PostgreSQL chose to scan the table instead: over a
-- million incidents a county center's list of one category class took 460 ms at p50 in `gridgov
-- bench worklists`, 11 ms after this index and 0012). This index
-- holds the filtered columns after the path, so the count reads the index alone.
CREATE INDEX IF NOT EXISTS incidents_path_filters ON incidents (path, category_code, state, grade, source);
