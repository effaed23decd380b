-- How often each landing page a QR code holds was opened, per day (Vietnam time): counts
-- only, nothing that names or follows a person (no address, no identifier, no time of day).
CREATE TABLE scans (
    target TEXT NOT NULL,
    day TEXT NOT NULL,
    opens BIGINT NOT NULL,
    PRIMARY KEY (target, day)
);
CREATE INDEX scans_by_day ON scans (day);
