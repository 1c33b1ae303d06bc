-- The grid network: grids with their boundaries, micro-grids, staff, police pairing, lineage of
-- splits and merges, and boundaries of regions (so gaps and parts outside can be checked).
-- Kept in lockstep with ../postgres/0002_grids.sql: same tables, columns and indexes.

-- Phone numbers of staff, shown on the public grid card as each deployment configures.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- One row per grid identity. A split or merge retires grids (valid_to set) and creates new ones,
-- so work that points at a grid keeps pointing at the grid it was reported in.
CREATE TABLE grids (
    id               TEXT PRIMARY KEY,
    county_code      TEXT NOT NULL,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    special_kind     TEXT,
    household_target BIGINT NOT NULL,
    party_branch     TEXT NOT NULL DEFAULT '',
    station_address  TEXT NOT NULL DEFAULT '',
    police_user_id   TEXT REFERENCES users (id),
    path             TEXT NOT NULL,
    -- GeoJSON geometry (WGS84); the box and area let lists and maps skip parsing it.
    boundary         TEXT,
    min_lng          DOUBLE PRECISION,
    min_lat          DOUBLE PRECISION,
    max_lng          DOUBLE PRECISION,
    max_lat          DOUBLE PRECISION,
    area_m2          DOUBLE PRECISION,
    valid_from       BIGINT NOT NULL,
    valid_to         BIGINT,
    retired_reason   TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
-- A code names one current grid in its village; retired grids keep theirs.
CREATE UNIQUE INDEX grids_current_code ON grids (region_code, code) WHERE valid_to IS NULL;
CREATE INDEX grids_path ON grids (path);
CREATE INDEX grids_region ON grids (region_code);
CREATE INDEX grids_police ON grids (police_user_id);

CREATE TABLE grid_lineage (
    from_id TEXT NOT NULL REFERENCES grids (id),
    to_id   TEXT NOT NULL REFERENCES grids (id),
    change  TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX grid_lineage_to ON grid_lineage (to_id);

CREATE TABLE micro_grids (
    grid_id    TEXT NOT NULL REFERENCES grids (id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    buildings  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (grid_id, code)
);

CREATE TABLE grid_staff (
    grid_id TEXT NOT NULL REFERENCES grids (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    duty    TEXT NOT NULL,
    since   BIGINT NOT NULL,
    PRIMARY KEY (grid_id, user_id, duty)
);
CREATE INDEX grid_staff_user ON grid_staff (user_id);

CREATE TABLE region_boundaries (
    code       TEXT PRIMARY KEY REFERENCES regions (code),
    boundary   TEXT NOT NULL,
    min_lng    DOUBLE PRECISION NOT NULL,
    min_lat    DOUBLE PRECISION NOT NULL,
    max_lng    DOUBLE PRECISION NOT NULL,
    max_lat    DOUBLE PRECISION NOT NULL,
    area_m2    DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Bumped by every change to the network, so each web node can tell that its point-to-grid index
-- is stale without comparing grids.
CREATE TABLE grid_network (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO grid_network (id, generation) VALUES (1, 0);
