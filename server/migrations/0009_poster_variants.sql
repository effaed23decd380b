-- The bytes of each poster's other forms (half width, WebP), stored beside it under names
-- derived from its own; 0 for posters drawn before there were any.
ALTER TABLE relic_models ADD COLUMN poster_variant_bytes BIGINT NOT NULL DEFAULT 0;
