-- Channels (issue 9, S4): provider instances created at run time, per routing group. Keys are
-- stored only sealed (AES-256-GCM under a key derived from SWITCHYARD_SECRET_KEY) with their
-- masked tails for display. Every change NOTIFYs `switchyard_channels`, from the admin API or
-- plain SQL, so every instance reloads at once.
CREATE TABLE channels (
  id text PRIMARY KEY,
  type text NOT NULL,
  name text NOT NULL UNIQUE,
  groups jsonb NOT NULL DEFAULT '["default"]'::jsonb,
  base_url text,
  -- JSON array of sealed keys (`v1:iv:tag:ciphertext`), never plaintext.
  keys_sealed jsonb NOT NULL,
  key_tails jsonb NOT NULL,
  models jsonb NOT NULL,
  model_mapping jsonb,
  priority integer NOT NULL DEFAULT 0,
  weight integer NOT NULL DEFAULT 1,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Upstream tasks created through a relay route: polling goes back to the channel that
-- accepted the task, and only for the tenant that created it (NULL: open mode or admin key).
CREATE TABLE relay_tasks (
  model text NOT NULL,
  upstream_task_id text NOT NULL,
  channel_id text NOT NULL,
  tenant_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, upstream_task_id)
);

CREATE FUNCTION switchyard_notify_channels() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('switchyard_channels', OLD.id);
    RETURN OLD;
  END IF;
  PERFORM pg_notify('switchyard_channels', NEW.id);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER channels_notify AFTER INSERT OR UPDATE OR DELETE ON channels
  FOR EACH ROW EXECUTE FUNCTION switchyard_notify_channels();
