-- Per-key rate limits (issue 9, section 6): requests per minute and concurrent jobs. NULL means
-- the key has no limit of its own (the config's default, if any, applies). Changing either
-- column NOTIFYs `switchyard_tenancy` through the api_keys trigger, so every instance obeys.
ALTER TABLE api_keys ADD COLUMN rate_limit_rpm integer CHECK (rate_limit_rpm > 0);
ALTER TABLE api_keys ADD COLUMN max_concurrent_jobs integer CHECK (max_concurrent_jobs > 0);

-- The key that created a job, so that its unfinished jobs can be counted at acceptance.
ALTER TABLE generations ADD COLUMN api_key_id text;
CREATE INDEX generations_active_api_key ON generations (api_key_id)
  WHERE api_key_id IS NOT NULL AND status IN ('queued', 'submitted', 'running');

-- Fixed-window request counters when no Redis is configured: one row per limited key, reused
-- window after window (so the table never holds more rows than there are keys). UNLOGGED:
-- losing a minute of counts in a database crash is harmless, and writes skip the WAL.
CREATE UNLOGGED TABLE rate_limit_counters (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  -- Epoch milliseconds on the gateway's clock when the current window ends.
  window_ends_ms bigint NOT NULL
);
