-- Routing analytics: raw events (kept for a retention period) and rollups per time bucket
-- (one minute by default), provider and model, so guardrails and dashboards read a few rows
-- per bucket whatever the traffic. Alerts raised by the gateway (out of credit, circuit opened, rollback…).
CREATE TABLE analytics_events (
  id bigserial PRIMARY KEY,
  event_type text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  job_id text,
  user_id text,
  provider text,
  model text,
  strategy text,
  latency_ms double precision,
  cost_usd double precision,
  error_code text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX analytics_events_occurred_at ON analytics_events (occurred_at);
CREATE INDEX analytics_events_job ON analytics_events (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE provider_rollups (
  bucket_start timestamptz NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  routed integer NOT NULL DEFAULT 0,
  successes integer NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  outputs integer NOT NULL DEFAULT 0,
  cost_usd double precision NOT NULL DEFAULT 0,
  latency_ms_sum double precision NOT NULL DEFAULT 0,
  latency_histogram integer[] NOT NULL,
  regenerations integer NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket_start, provider, model)
);
CREATE INDEX provider_rollups_provider ON provider_rollups (provider, bucket_start);

CREATE TABLE alerts (
  id text PRIMARY KEY,
  alert_type text NOT NULL,
  severity text NOT NULL,
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivery_status text
);
CREATE INDEX alerts_created_at ON alerts (created_at DESC);
