-- Quotas and budgets (issue 9, section 6). A tenant's balance is money it may still spend;
-- `reserved_usd` is the part held by jobs that have not ended. Money is numeric, not floating
-- point, so that a balance covering exactly ten estimates accepts exactly ten jobs.
ALTER TABLE tenants ALTER COLUMN balance_usd TYPE numeric(20, 9);
ALTER TABLE tenants ADD COLUMN reserved_usd numeric(20, 9) NOT NULL DEFAULT 0;
-- Spending limits per UTC day and month: soft raises one alert per period, hard refuses.
ALTER TABLE tenants ADD COLUMN budget_day_soft_usd numeric(20, 9);
ALTER TABLE tenants ADD COLUMN budget_day_hard_usd numeric(20, 9);
ALTER TABLE tenants ADD COLUMN budget_month_soft_usd numeric(20, 9);
ALTER TABLE tenants ADD COLUMN budget_month_hard_usd numeric(20, 9);

-- One row per money movement: `credit` (balance added), and per job one `reservation` at
-- acceptance and at most one of `settlement` (the actual cost) or `refund` (the reservation
-- given back). No foreign key to `generations`: the ledger is the record and outlives pruned
-- jobs, and the reservation is written before its job row in the accepting transaction.
CREATE TABLE ledger (
  id text PRIMARY KEY,
  tenant_id text NOT NULL,
  api_key_id text,
  job_id text,
  kind text NOT NULL CHECK (kind IN ('credit', 'reservation', 'settlement', 'refund')),
  amount_usd numeric(20, 9) NOT NULL CHECK (amount_usd >= 0),
  model text,
  provider text,
  -- The gateway's clock at acceptance (copied to the job's settlement or refund): budgets
  -- and usage count a job in the period it was accepted in.
  accounted_at timestamptz NOT NULL,
  -- Set on a reservation when its job's settlement or refund is written.
  released_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'credit') = (job_id IS NULL))
);
-- The rules that make a second reservation, settlement or refund of a job impossible, and a
-- settlement after a refund (or the reverse) too, whichever instance or retry tries it.
CREATE UNIQUE INDEX ledger_job_kind ON ledger (job_id, kind) WHERE job_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_job_end ON ledger (job_id) WHERE kind IN ('settlement', 'refund');
CREATE INDEX ledger_tenant_period ON ledger (tenant_id, accounted_at);
CREATE INDEX ledger_accounted_at ON ledger (accounted_at);
-- The supervisor's backstop looks only at reservations still open.
CREATE INDEX ledger_open_reservations ON ledger (job_id)
  WHERE kind = 'reservation' AND released_at IS NULL;

-- A soft budget alerts once per tenant and period, whichever instance sees it first.
CREATE TABLE budget_alerts (
  tenant_id text NOT NULL,
  period text NOT NULL CHECK (period IN ('day', 'month')),
  period_start timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, period, period_start)
);

-- Reservations and settlements change `balance_usd`/`reserved_usd` on every job; the key
-- caches do not hold money, so those columns must not NOTIFY a reload on every instance.
CREATE OR REPLACE FUNCTION switchyard_notify_tenancy() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'api_keys'
     AND (to_jsonb(OLD) - 'last_used_at') = (to_jsonb(NEW) - 'last_used_at') THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'tenants'
     AND (to_jsonb(OLD) - 'balance_usd' - 'reserved_usd' - 'updated_at')
       = (to_jsonb(NEW) - 'balance_usd' - 'reserved_usd' - 'updated_at') THEN
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
