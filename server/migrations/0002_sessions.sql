-- Logins, API tokens, login throttling and the audit log. Portable SQL; times are Unix
-- seconds (BIGINT) computed by the server.

-- A browser login. The cookie holds a random secret; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- Sent back with every change made through this session (forms and X-CSRF-Token).
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A token for scripts (Authorization: Bearer …), shown once; only its SHA-256 is stored.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    UNIQUE (user_id, name)
);

-- Failed logins, by account (`user:NAME`) and by client address (`ip:ADDR`).
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Every staff action: who, what, when, which relic and version.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    relic_id BIGINT,
    version BIGINT,
    detail TEXT NOT NULL DEFAULT ''
);
