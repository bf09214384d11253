-- Retention sweeps (assets and finished jobs by age) and upload quotas (a tenant's uploads of
-- the last 24 hours), each read through an index instead of a scan of every row.
CREATE INDEX assets_purpose_created ON assets (purpose, created_at);
CREATE INDEX assets_upload_tenant_created ON assets (tenant_id, created_at) WHERE purpose = 'upload';
CREATE INDEX generations_finished_updated ON generations (updated_at)
  WHERE status IN ('succeeded', 'failed', 'canceled');
