-- Observed time to a result per model and provider (the S5 routes' `estimatedTime`): the
-- latest succeeded jobs of one model on one provider, read without walking every job.
CREATE INDEX generations_succeeded_model_provider ON generations (model, provider, id DESC)
  WHERE status = 'succeeded';
