-- The one collection form (一表单): forms registered by departments, their versions, and the
-- values collected on persons, houses, places and organizations.
-- Kept in lockstep with ../postgres/0005_forms.sql: same tables, columns and indexes.
--
-- A version is written once and never changed; publishing adds a row and moves
-- forms.current_version. Values keep the version they were checked against, so a new version
-- never makes stored values wrong, and they are shown with that version's labels.
-- created_by and updated_by name users without a foreign key: the command line acts as
-- `system`, which has no users row.

CREATE TABLE forms (
    id              TEXT PRIMARY KEY,
    key             TEXT NOT NULL,
    target          TEXT NOT NULL,
    department      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    current_version BIGINT NOT NULL
);
-- One form per key and target; the key names the form in exports and integrations.
CREATE UNIQUE INDEX forms_key ON forms (target, key);

CREATE TABLE form_versions (
    form_id    TEXT NOT NULL REFERENCES forms (id),
    version    BIGINT NOT NULL,
    -- The checked definition as JSON text, in the shape gridgov-core reads back.
    definition TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (form_id, version)
);

-- One row per record and form. A large table like persons: county_code leads the key (DESIGN:
-- Citus-ready) and, like the other large tables, it has no foreign keys: the record lives in one
-- of four tables, and the store finds it and the form's version in the transaction that writes.
CREATE TABLE form_values (
    county_code TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    form_id     TEXT NOT NULL,
    version     BIGINT NOT NULL,
    values_json TEXT NOT NULL,
    -- The record's path when the values were written, for listing a form's values by scope.
    path        TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (county_code, record_kind, record_id, form_id)
);
CREATE INDEX form_values_form ON form_values (form_id, path);
