-- Attachments: photos and documents of incidents (and later other records). The bytes live
-- outside the database in a content-addressed blob store (files under the data directory's
-- blobs/ today), named by their SHA-256; this table says what they are, whose, and where.
-- Kept in lockstep with ../sqlite/0008_attachments.sql: same tables, columns and indexes.
-- (0007 is another change's number.)
--
-- An attachment is uploaded before its owner exists, so owner_id starts NULL (pending: seen by
-- its uploader only) and path is then the uploader's scope; attaching sets the owner, its path
-- (which decides who sees it) and its county. Several rows may name one blob (the same photo
-- sent twice); a blob no row names is left for a later sweep. No foreign keys: owners live in
-- tables of their own kinds, and users are never deleted.
CREATE TABLE attachments (
    id            TEXT PRIMARY KEY,
    blob_id       TEXT NOT NULL,
    thumb_blob_id TEXT,
    -- photo | document
    kind          TEXT NOT NULL,
    mime          TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    -- Photos only, as shown (turned by their orientation).
    width         BIGINT,
    height        BIGINT,
    -- As sent, cleaned: no path, no control characters, at most 120 characters.
    file_name     TEXT NOT NULL,
    -- incident
    owner_type    TEXT NOT NULL,
    owner_id      TEXT,
    -- The owner's county ('' while pending above the county level) and scope path (compared
    -- bytewise: COLLATE "C" on PostgreSQL, so the scope range is read from an index).
    county_code   TEXT NOT NULL,
    path          TEXT COLLATE "C" NOT NULL,
    uploaded_by   TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
-- An owner's attachments, in the order they came.
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id, created_at);
-- Pending uploads by uploader and age: attaching checks them, a sweep removes the stale ones.
CREATE INDEX attachments_uploader ON attachments (uploaded_by, created_at);
-- Whether any row still names a blob, before a sweep deletes it.
CREATE INDEX attachments_blob ON attachments (blob_id);
CREATE INDEX attachments_thumb ON attachments (thumb_blob_id);
