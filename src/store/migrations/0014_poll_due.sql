-- An accepted attempt's next poll as a due time on its own row (ADR 0023), instead of a pg-boss
-- message per poll: set with the acceptance and by each poll that finds the job still pending,
-- claimed by one indexed statement per batch. `poll_number` drives backoff; the two storage
-- columns carry how long the asset store has refused the attempt's result. The partial index
-- holds only attempts still at the provider with a poll pending: an attempt that ends leaves it.
ALTER TABLE generation_attempts
  ADD COLUMN poll_at timestamptz,
  ADD COLUMN poll_number integer,
  ADD COLUMN poll_storage_failures integer,
  ADD COLUMN poll_storage_failing_since bigint;
CREATE INDEX generation_attempts_poll_due ON generation_attempts (poll_at)
  WHERE poll_at IS NOT NULL AND status = 'submitted';
