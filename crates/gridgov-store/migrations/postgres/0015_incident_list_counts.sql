-- A work list's total is counted (up to 10,000) over the caller's range with the list's
-- filters. With only (path, reported_at, id) to go by, a filter on the category, state, grade or
-- source sent each counted row to the table (PostgreSQL chose to scan the table instead: a
-- county center's count of one category class took 160 ms over a million incidents). This index
-- holds the filtered columns after the path, so the count reads the index alone.
CREATE INDEX IF NOT EXISTS incidents_path_filters ON incidents (path, category_code, state, grade, source);
