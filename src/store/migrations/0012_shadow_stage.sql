-- Shadow stages of rollouts (ADR 0017): what the copies have reserved of the budget, counted
-- atomically on the rollout row so that instances copying at once cannot overspend it together,
-- and when a copy was first refused for the budget. Shadow jobs are ordinary generations marked
-- in their request (`request.shadow`); the index finds a rollout's copies.
ALTER TABLE rollouts ADD COLUMN shadow_reserved_usd double precision NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN shadow_copies integer NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN shadow_budget_spent_at timestamptz;
CREATE INDEX generations_shadow_rollout ON generations ((request -> 'shadow' ->> 'rolloutId'), id)
  WHERE request ? 'shadow';
