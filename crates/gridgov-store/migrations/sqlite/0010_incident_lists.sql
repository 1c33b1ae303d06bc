-- Work lists over millions of incidents (see incidents/list_sql.rs): the doors are read one at
-- a time, a wide one newest first by this index, testing each row on the way,
CREATE INDEX incidents_reported ON incidents (reported_at, id);
-- and the department door's test is one probe of this index (it replaces the narrower one,
-- which the planners could not prefer over the index by assignee).
CREATE INDEX incident_tasks_probe ON incident_tasks (county_code, incident_id, assignee_type, assignee_id);
DROP INDEX incident_tasks_incident;
