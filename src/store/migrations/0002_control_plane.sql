-- The live control plane: routing weights, strategy, chain, primary and provider switches are
-- rows here. The seed runbook's own statements (INSERT … ON CONFLICT / UPDATE on
-- GEN_PROVIDER_WEIGHTS) work verbatim. Every change, from the admin API, the CLI or plain SQL,
-- is audited and NOTIFYed by the trigger below, so every gateway instance reloads at once.
CREATE TABLE feature_flags (
  flag_key text PRIMARY KEY,
  flag_value boolean NOT NULL DEFAULT true,
  flag_value_text text,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE control_plane_audit (
  id bigserial PRIMARY KEY,
  flag_key text NOT NULL,
  action text NOT NULL,
  old_value jsonb,
  new_value jsonb,
  actor text NOT NULL,
  reason text,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX control_plane_audit_key ON control_plane_audit (flag_key, changed_at DESC);
CREATE INDEX control_plane_audit_changed_at ON control_plane_audit (changed_at DESC);

CREATE FUNCTION switchyard_touch_feature_flag() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER feature_flags_touch BEFORE UPDATE ON feature_flags
  FOR EACH ROW EXECUTE FUNCTION switchyard_touch_feature_flag();

-- Who changed it: the gateway sets switchyard.actor/reason for its own transactions; anything
-- else (psql, a migration script) is recorded as 'sql'.
CREATE FUNCTION switchyard_audit_feature_flag() RETURNS trigger AS $$
DECLARE
  change_actor text := COALESCE(NULLIF(current_setting('switchyard.actor', true), ''), 'sql');
  change_reason text := NULLIF(current_setting('switchyard.reason', true), '');
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO control_plane_audit (flag_key, action, old_value, new_value, actor, reason)
    VALUES (OLD.flag_key, 'delete',
            jsonb_build_object('flag_value', OLD.flag_value, 'flag_value_text', OLD.flag_value_text),
            NULL, change_actor, change_reason);
    PERFORM pg_notify('switchyard_control_plane', OLD.flag_key);
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.flag_value IS NOT DISTINCT FROM NEW.flag_value
     AND OLD.flag_value_text IS NOT DISTINCT FROM NEW.flag_value_text THEN
    RETURN NEW;
  END IF;
  INSERT INTO control_plane_audit (flag_key, action, old_value, new_value, actor, reason)
  VALUES (NEW.flag_key, lower(TG_OP),
          CASE WHEN TG_OP = 'UPDATE'
               THEN jsonb_build_object('flag_value', OLD.flag_value, 'flag_value_text', OLD.flag_value_text) END,
          jsonb_build_object('flag_value', NEW.flag_value, 'flag_value_text', NEW.flag_value_text),
          change_actor, change_reason);
  PERFORM pg_notify('switchyard_control_plane', NEW.flag_key);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER feature_flags_audit AFTER INSERT OR UPDATE OR DELETE ON feature_flags
  FOR EACH ROW EXECUTE FUNCTION switchyard_audit_feature_flag();
