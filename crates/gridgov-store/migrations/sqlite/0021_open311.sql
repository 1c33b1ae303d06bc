-- Open311 GeoReport v2: the keys issued to client applications, the service codes each city
-- offers (mapped to categories of the tree), and what a request brought beside its incident.
-- PostgreSQL declares the path columns COLLATE "C"; SQLite compares bytes already.

-- A client application's key. Only the SHA-256 of the key is kept; the key is shown once when
-- issued. Each key serves one jurisdiction (a city: `region_code`, `path`) and has its own
-- rate, enforced by the web layer. Revoked keys are kept for the audit trail.
CREATE TABLE open311_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL,
    region_code TEXT NOT NULL,
    path        TEXT NOT NULL,
    per_minute  BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    revoked_by  TEXT
);
CREATE UNIQUE INDEX open311_keys_hash ON open311_keys (key_hash);
CREATE INDEX open311_keys_path ON open311_keys (path, created_at);

-- The services of a city: one service code per category open to the public, with the name,
-- group and keywords clients show. Seeded from the public categories; edited on the desk.
CREATE TABLE open311_services (
    region_code   TEXT NOT NULL,
    service_code  TEXT NOT NULL,
    path          TEXT NOT NULL,
    category_code TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    group_name    TEXT NOT NULL,
    keywords      TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    version       BIGINT NOT NULL DEFAULT 1,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (region_code, service_code)
);
CREATE UNIQUE INDEX open311_services_category ON open311_services (region_code, category_code);
CREATE INDEX open311_services_path ON open311_services (path);

-- What an Open311 request brought beside its incident: the key it came through, the service
-- code, the token a client may look the request up by, and the reporter's contact. Phones and
-- e-mail addresses are sealed like every phone; nothing here is shown in public answers.
CREATE TABLE open311_requests (
    token         TEXT PRIMARY KEY,
    county_code   TEXT NOT NULL,
    incident_id   TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    service_code  TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email_sealed  TEXT,
    phone_sealed  TEXT,
    device_id     TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    address_id    TEXT NOT NULL,
    media_url     TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX open311_requests_incident ON open311_requests (county_code, incident_id);

-- A public list filtered by service code walks one category newest first.
CREATE INDEX incidents_category_reported ON incidents (category_code, reported_at);

-- A request located by its address alone finds the building of that address.
CREATE INDEX buildings_address ON buildings (address);
