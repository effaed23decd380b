-- Derivatives are made in the background: a model version is stored with its master first,
-- `processing`, and becomes `ready` (or `failed`) when its job ends. The job's progress is
-- here too, so every node shows it: steps done and the step under way (or why it failed).
ALTER TABLE relic_models ADD COLUMN status TEXT NOT NULL DEFAULT 'ready'
    CHECK (status IN ('processing', 'ready', 'failed'));
ALTER TABLE relic_models ADD COLUMN steps_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE relic_models ADD COLUMN step TEXT NOT NULL DEFAULT '';
