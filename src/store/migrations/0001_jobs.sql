-- Generation jobs, their provider attempts, stored files and outbound webhook deliveries.
CREATE TABLE generations (
  id text PRIMARY KEY,
  status text NOT NULL,
  kind text NOT NULL,
  task text NOT NULL,
  model text NOT NULL,
  user_id text,
  provider text,
  request jsonb NOT NULL,
  outputs jsonb NOT NULL DEFAULT '[]'::jsonb,
  warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
  error jsonb,
  progress double precision,
  estimated_cost_usd double precision,
  actual_cost_usd double precision,
  idempotency_key text,
  request_hash text,
  webhook_url text,
  webhook_status text,
  regenerated_from text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  deadline_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX generations_idempotency_key ON generations (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX generations_user_id ON generations (user_id, id DESC);
CREATE INDEX generations_status_id ON generations (status, id DESC);
CREATE INDEX generations_active_deadline ON generations (deadline_at)
  WHERE status IN ('queued', 'submitted', 'running');

CREATE TABLE generation_attempts (
  id text PRIMARY KEY,
  generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  provider text NOT NULL,
  provider_model_id text NOT NULL,
  provider_job_id text,
  operation jsonb,
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  error_code text,
  error_message text,
  cost_usd double precision,
  UNIQUE (generation_id, seq)
);
CREATE INDEX generation_attempts_provider_job ON generation_attempts (provider, provider_job_id);

CREATE TABLE assets (
  id text PRIMARY KEY,
  purpose text NOT NULL,
  mime_type text NOT NULL,
  bytes integer NOT NULL,
  sha256 text NOT NULL,
  width integer,
  height integer,
  duration_seconds double precision,
  storage_key text NOT NULL,
  generation_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_generation_id ON assets (generation_id) WHERE generation_id IS NOT NULL;

CREATE TABLE webhook_deliveries (
  generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  status_code integer,
  error text,
  ok boolean NOT NULL,
  duration_ms integer NOT NULL,
  PRIMARY KEY (generation_id, attempt)
);

-- Small gateway-wide settings (generated webhook secret, runtime provider profiles).
CREATE TABLE gateway_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The simulator's own record of what it was asked to do: the "provider side" that lets a
-- restarted gateway find a submission by its attempt id instead of submitting it twice.
CREATE TABLE simulator_operations (
  attempt_id text PRIMARY KEY,
  provider_id text NOT NULL,
  generation_id text NOT NULL,
  operation jsonb NOT NULL,
  submit_count integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);
