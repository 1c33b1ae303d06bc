-- The reporter's door of the work lists reads the caller's reports outside their range as two
-- ranges of (reporter_id, path): with the old (reporter_id, reported_at) index a center
-- operator's list tested each of the tens of thousands of reports they made inside their range
-- (measured on a million incidents: a county center's first page took 450 ms on PostgreSQL).
-- Nothing else reads the old index.
DROP INDEX IF EXISTS incidents_reporter;
CREATE INDEX IF NOT EXISTS incidents_reporter_path ON incidents (reporter_id, path);
