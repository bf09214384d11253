-- Canary rollouts: a plan (baseline, canary, stages, guardrails), its live state, the decision
-- history, a lease so exactly one gateway instance runs the controller, and client feedback.
CREATE TABLE rollouts (
  id text PRIMARY KEY,
  status text NOT NULL,
  baseline_provider text NOT NULL,
  canary_provider text NOT NULL,
  model text,
  plan jsonb NOT NULL,
  current_stage integer NOT NULL DEFAULT 0,
  stage_started_at timestamptz NOT NULL DEFAULT now(),
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_evaluation jsonb,
  last_evaluated_at timestamptz,
  previous_routing jsonb,
  reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
-- One live rollout per scope (a model, or '*' for every model).
CREATE UNIQUE INDEX rollouts_one_live_per_scope ON rollouts ((COALESCE(model, '*')))
  WHERE status IN ('active', 'paused');

CREATE TABLE rollout_decisions (
  id bigserial PRIMARY KEY,
  rollout_id text NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  decision text NOT NULL,
  stage integer NOT NULL,
  weights jsonb,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  actor text NOT NULL
);
CREATE INDEX rollout_decisions_rollout ON rollout_decisions (rollout_id, id);

CREATE TABLE controller_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE generation_feedback (
  id text PRIMARY KEY,
  generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  rating integer NOT NULL,
  comment text,
  user_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX generation_feedback_generation ON generation_feedback (generation_id);
