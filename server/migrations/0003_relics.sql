-- Resumable uploads and relics. Portable SQL; times are Unix seconds.

-- An upload in progress (tus): the bytes so far are the file `<uploads_dir>/<id>.part`.
CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    length BIGINT NOT NULL,
    filename TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A relic: its state, and which metadata and model versions are current.
CREATE TABLE relics (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'unpublished')),
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    meta_version BIGINT NOT NULL,
    model_version BIGINT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Every metadata version of a relic (JSON), never changed once written.
CREATE TABLE relic_metadata (
    relic_id INTEGER NOT NULL REFERENCES relics (id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (relic_id, version)
);

-- Every model version of a relic: the master as uploaded and the derivatives, by the
-- SHA-256 of their bytes (files in the relic store), and the check's report (JSON).
CREATE TABLE relic_models (
    relic_id INTEGER NOT NULL REFERENCES relics (id),
    version BIGINT NOT NULL,
    master TEXT NOT NULL,
    master_name TEXT NOT NULL,
    master_bytes BIGINT NOT NULL,
    format TEXT NOT NULL,
    full_model TEXT NOT NULL,
    full_bytes BIGINT NOT NULL,
    report TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (relic_id, version)
);
