-- Small outputs live in their row (ADR 0028): `inline_bytes` holds an object of at most
-- `storage.inlineMaxBytes`, committed with the job's success; `storage_key` names an object in
-- the asset store otherwise. Exactly one of the two is set.
ALTER TABLE assets
  ADD COLUMN inline_bytes bytea,
  ALTER COLUMN storage_key DROP NOT NULL,
  ADD CONSTRAINT assets_bytes_in_one_place CHECK ((storage_key IS NULL) <> (inline_bytes IS NULL));
