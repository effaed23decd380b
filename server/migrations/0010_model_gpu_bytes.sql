-- The graphics memory each derivative takes once shown (`disan_pack::gpu_bytes`), so the page
-- can choose a level before downloading it; 0 for versions made before it was counted.
ALTER TABLE relic_models ADD COLUMN full_gpu_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN light_gpu_bytes BIGINT NOT NULL DEFAULT 0;
