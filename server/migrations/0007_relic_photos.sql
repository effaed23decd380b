-- A relic's photos: the file as uploaded and its thumbnail (JPEG), by the SHA-256 of their
-- bytes in the relic store, with a caption (JSON: vi and en). Removing one is soft.
CREATE TABLE relic_photos (
    id INTEGER PRIMARY KEY,
    relic_id INTEGER NOT NULL REFERENCES relics (id),
    original TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    thumb TEXT NOT NULL,
    caption TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX relic_photos_by_relic ON relic_photos (relic_id, id);
