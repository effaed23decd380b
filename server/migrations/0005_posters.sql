-- The poster of each model version (a JPEG still of the model), by the SHA-256 of its bytes;
-- empty for versions made before posters were.
ALTER TABLE relic_models ADD COLUMN poster TEXT NOT NULL DEFAULT '';
ALTER TABLE relic_models ADD COLUMN poster_bytes BIGINT NOT NULL DEFAULT 0;
