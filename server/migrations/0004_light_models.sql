-- The light model of each model version (the first view), by the SHA-256 of its bytes.
ALTER TABLE relic_models ADD COLUMN light_model TEXT NOT NULL DEFAULT '';
ALTER TABLE relic_models ADD COLUMN light_bytes BIGINT NOT NULL DEFAULT 0;
