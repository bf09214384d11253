-- Tenants and their API keys (auth mode, issue 9, first slice). A key is stored only as an
-- HMAC-SHA256 of its plaintext (keyed with a server secret); `prefix` is the visible part.
-- Every change to either table NOTIFYs `switchyard_tenancy`, from the admin API or plain SQL,
-- so every instance reloads its key cache at once (`last_used_at` alone does not notify).
CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  group_name text NOT NULL DEFAULT 'default',
  -- Stored for the quota slice; not enforced yet.
  balance_usd double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  group_name text,
  scopes jsonb NOT NULL DEFAULT '["generate","read"]'::jsonb,
  models jsonb,
  allowed_ips jsonb,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant_id ON api_keys (tenant_id, id);
CREATE INDEX api_keys_prefix ON api_keys (prefix);

-- Jobs and uploads created with a tenant's key; NULL in open mode or with the admin key.
ALTER TABLE generations ADD COLUMN tenant_id text;
CREATE INDEX generations_tenant_id ON generations (tenant_id, id DESC) WHERE tenant_id IS NOT NULL;
ALTER TABLE assets ADD COLUMN tenant_id text;

CREATE FUNCTION switchyard_notify_tenancy() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'api_keys'
     AND (to_jsonb(OLD) - 'last_used_at') = (to_jsonb(NEW) - 'last_used_at') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('switchyard_tenancy', OLD.id);
    RETURN OLD;
  END IF;
  PERFORM pg_notify('switchyard_tenancy', NEW.id);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OR DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION switchyard_notify_tenancy();
CREATE TRIGGER api_keys_notify AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION switchyard_notify_tenancy();
