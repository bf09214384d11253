-- Cost alerts (S5's checklist): one row per crossing of a threshold. `alert_key` names the
-- threshold (`spend:provider:fal`, `credit:runware`); `period` is the UTC day of a daily spend
-- threshold and `current` for credit. At most one open (unresolved) row per key and period:
-- the unique index is what makes two instances that see the same crossing alert once.
CREATE TABLE cost_alert_states (
  id text PRIMARY KEY,
  alert_key text NOT NULL,
  period text NOT NULL,
  value_usd double precision NOT NULL,
  threshold_usd double precision NOT NULL,
  -- When the reading that fired (or resolved) it was taken: a resolution is only undone by a
  -- newer reading, so instances with readings of different ages do not flap.
  observed_at timestamptz NOT NULL,
  fired_at timestamptz NOT NULL,
  resolved_at timestamptz,
  resolved_observed_at timestamptz
);
CREATE UNIQUE INDEX cost_alert_states_open ON cost_alert_states (alert_key, period)
  WHERE resolved_at IS NULL;
CREATE INDEX cost_alert_states_key ON cost_alert_states (alert_key, period);
