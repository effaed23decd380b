-- The high level of each model version (the scan's own detail, up to a million triangles and
-- 4096² textures, shown when a visitor asks for it), by the SHA-256 of its bytes; '' when the
-- master holds no more than the full model keeps. The longest texture side of each level
-- (`disan_pack::footprint`), so the page skips a level the device's textures cannot hold; 0
-- for versions made before it was read.
ALTER TABLE relic_models ADD COLUMN high_model TEXT NOT NULL DEFAULT '';
ALTER TABLE relic_models ADD COLUMN high_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN high_gpu_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN full_texture_side BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN light_texture_side BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN high_texture_side BIGINT NOT NULL DEFAULT 0;
