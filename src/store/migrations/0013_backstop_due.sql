-- The backstop of an inline submission as a due time on the job row (ADR 0022), instead of a
-- delayed queue message per synchronous request: set when the job is created, cleared when it
-- succeeds, swept by the job supervisor. The partial index holds only jobs with one pending.
ALTER TABLE generations ADD COLUMN backstop_at timestamptz;
CREATE INDEX generations_backstop_due ON generations (backstop_at) WHERE backstop_at IS NOT NULL;
