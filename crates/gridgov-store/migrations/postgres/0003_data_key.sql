-- The public fingerprint of the data key that seals personal data (ID numbers, phones). Stored
-- at first start and compared at every start after, so a node given the wrong key stops before
-- it writes rows that no lookup would find and no reader could open.
-- Same on SQLite and PostgreSQL.

CREATE TABLE data_key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    key_check  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
