-- Base data (人房楼 and the five elements): buildings, houses, persons, who lives where,
-- organizations, places and cameras, each in a grid and so in a scope, plus the import batches
-- that wrote them.
-- Kept in lockstep with ../sqlite/0004_base_data.sql: same tables, columns and indexes.
--
-- The large tables (persons, houses, person_houses) carry county_code as their distribution
-- column, first in every primary and unique key (DESIGN: Citus-ready). They have no foreign keys:
-- the importer resolves every grid, building and person itself and reports what it cannot find,
-- and a trigger per row would cost more than the rest of a bulk load. The small tables keep theirs.
--
-- ID numbers and phones are stored sealed (AES-256-GCM, `v1.…`) beside their blind index
-- (keyed HMAC, 22 characters), which is what exact search and dedupe compare.

-- One run of an import: what it read, from which source, by whom, and what it did. Records name
-- the batch that created them and the one that last changed them: their provenance.
CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    source      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    -- The importer; the command line imports as the system, which is no user row.
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    scope_path  TEXT NOT NULL,
    rows_read   BIGINT NOT NULL,
    inserted    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    rejected    BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL
);
CREATE INDEX import_batches_scope ON import_batches (scope_path);

CREATE TABLE buildings (
    id                TEXT NOT NULL,
    county_code       TEXT NOT NULL,
    grid_id           TEXT NOT NULL REFERENCES grids (id),
    path              TEXT COLLATE "C" NOT NULL,
    code              TEXT NOT NULL,
    address           TEXT NOT NULL,
    floors            BIGINT,
    units             BIGINT,
    building_head_id  TEXT REFERENCES users (id),
    created_batch     TEXT,
    updated_batch     TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX buildings_key ON buildings (county_code, grid_id, code);
CREATE INDEX buildings_path ON buildings (path);

CREATE TABLE houses (
    id            TEXT NOT NULL,
    county_code   TEXT NOT NULL,
    grid_id       TEXT NOT NULL,
    path          TEXT COLLATE "C" NOT NULL,
    building_id   TEXT NOT NULL,
    unit          TEXT NOT NULL,
    number        TEXT NOT NULL,
    house_use     TEXT NOT NULL,
    area_m2       DOUBLE PRECISION,
    created_batch TEXT,
    updated_batch TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
-- The natural key; it also serves "the houses of a building".
CREATE UNIQUE INDEX houses_key ON houses (county_code, building_id, unit, number);
CREATE INDEX houses_path ON houses (path);

CREATE TABLE persons (
    id                 TEXT NOT NULL,
    county_code        TEXT NOT NULL,
    grid_id            TEXT NOT NULL,
    path               TEXT COLLATE "C" NOT NULL,
    name               TEXT NOT NULL,
    id_card_sealed     TEXT NOT NULL,
    id_card_bidx       TEXT NOT NULL,
    -- Read from the number (GB 11643) and kept in the clear: age and gender statistics need them
    -- and they say little about whom without the rest of the number.
    gender             TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    -- Empty, or why the number deserves a look: an old region code, upgraded from 15 digits.
    id_flags           TEXT NOT NULL,
    ethnicity          TEXT NOT NULL,
    phone_sealed       TEXT,
    phone_bidx         TEXT,
    registered_address TEXT NOT NULL,
    residence_type     TEXT NOT NULL,
    tags               TEXT NOT NULL,
    created_batch      TEXT,
    updated_batch      TEXT,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
-- One record per ID number in a county: the key of dedupe and of idempotent re-import. The
-- blind index leads, so the same index answers exact search by ID number across counties (a
-- person registered in one county may live in another).
CREATE UNIQUE INDEX persons_id_card ON persons (id_card_bidx, county_code);
CREATE INDEX persons_phone ON persons (phone_bidx);
-- A grid's residents, and every scope filter.
CREATE INDEX persons_path ON persons (path, name);

-- Who lives where: a person may live in several houses (own one, rent another).
CREATE TABLE person_houses (
    county_code   TEXT NOT NULL,
    person_id     TEXT NOT NULL,
    house_id      TEXT NOT NULL,
    relation      TEXT NOT NULL,
    since         TEXT,
    created_batch TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (county_code, person_id, house_id)
);
CREATE INDEX person_houses_house ON person_houses (county_code, house_id);

CREATE TABLE organizations (
    id            TEXT NOT NULL,
    county_code   TEXT NOT NULL,
    grid_id       TEXT NOT NULL REFERENCES grids (id),
    path          TEXT COLLATE "C" NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    credit_code   TEXT,
    address       TEXT NOT NULL,
    contact       TEXT NOT NULL,
    phone         TEXT NOT NULL,
    created_batch TEXT,
    updated_batch TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX organizations_key ON organizations (county_code, grid_id, name);
CREATE INDEX organizations_credit ON organizations (credit_code);
CREATE INDEX organizations_path ON organizations (path);

CREATE TABLE places (
    id            TEXT NOT NULL,
    county_code   TEXT NOT NULL,
    grid_id       TEXT NOT NULL REFERENCES grids (id),
    path          TEXT COLLATE "C" NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    address       TEXT NOT NULL,
    lng           DOUBLE PRECISION,
    lat           DOUBLE PRECISION,
    created_batch TEXT,
    updated_batch TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX places_key ON places (county_code, grid_id, name);
CREATE INDEX places_path ON places (path);

-- Public video points (公共视频点位).
CREATE TABLE cameras (
    id          TEXT NOT NULL,
    county_code TEXT NOT NULL,
    grid_id     TEXT NOT NULL REFERENCES grids (id),
    path        TEXT COLLATE "C" NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX cameras_key ON cameras (county_code, code);
CREATE INDEX cameras_path ON cameras (path);

-- Every unmasking of an ID number or phone: who, when, whose, which field and why. Written in
-- the transaction that reveals the value, and also chained in the audit log.
CREATE TABLE unmask_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL REFERENCES users (id),
    -- The person whose number was shown; NULL for a revealing export, which says how many
    -- persons it revealed instead.
    person_id   TEXT,
    export_rows BIGINT,
    county_code TEXT NOT NULL,
    field       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    path        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX unmask_log_person ON unmask_log (county_code, person_id);
CREATE INDEX unmask_log_actor ON unmask_log (actor_id, at);
