-- Suggestion of an incident's category and lead department from its text (issue 13, part 4).

-- The trained models of the deployment, one per kind (category | department), as core's JSON.
-- `model_id` is new at each training: a node keeps the parsed model under it.
CREATE TABLE suggestion_models (
    kind       TEXT PRIMARY KEY,
    model_id   TEXT NOT NULL,
    model      TEXT NOT NULL,
    -- The labelled incidents it learned from.
    examples   BIGINT NOT NULL,
    labels     BIGINT NOT NULL,
    trained_at BIGINT NOT NULL
);

-- Each decision of an operator who was shown a suggestion: what was suggested, with what
-- confidence (per mille), and what the operator chose. `path` is the incident's scope.
CREATE TABLE suggestion_decisions (
    id          TEXT PRIMARY KEY,
    county_code TEXT NOT NULL,
    incident_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    suggested   TEXT NOT NULL,
    confidence  BIGINT NOT NULL,
    chosen      TEXT NOT NULL,
    taken       BIGINT NOT NULL,
    path        TEXT COLLATE "C" NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  BIGINT NOT NULL
);
CREATE INDEX suggestion_decisions_path ON suggestion_decisions (path, kind);
