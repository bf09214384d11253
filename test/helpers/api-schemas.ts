import { z } from 'zod';
import { JobResourceSchema, type JobResource } from '../../src/api/job-resource-schema.js';
import { getJson } from './http-client.js';

/**
 * The gateway's answers as tests read them: loose (extra fields allowed) but typed, so a test
 * fails with a clear parse error when the API contract changes.
 */
export const ErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** A job as the API answers it: the gateway's own schema of its public job JSON. */
export const JobBody = JobResourceSchema;
export type JobBody = JobResource;

export const JobListBody = z.looseObject({
  data: z.array(JobBody),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});

export const RoutingBody = z.looseObject({
  strategy: z.string(),
  chain: z.array(z.string()),
  primary: z.string().nullable(),
  weights: z.record(z.string(), z.number()),
  models: z.record(
    z.string(),
    z.looseObject({
      strategy: z.string().optional(),
      chain: z.array(z.string()).optional(),
      weights: z.record(z.string(), z.number()).optional(),
    }),
  ),
  errors: z.array(z.looseObject({ key: z.string(), message: z.string() })),
});

export const GuardrailBody = z.looseObject({
  name: z.string(),
  status: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
  samples: z.number(),
});

export const RolloutBody = z.looseObject({
  id: z.string(),
  status: z.string(),
  baseline: z.string(),
  canary: z.string(),
  stage: z.looseObject({
    index: z.number(),
    number: z.number(),
    of: z.number(),
    canary_weight: z.number(),
  }),
  weights: z.record(z.string(), z.number()),
  observed_split: z.looseObject({ since: z.string(), requests: z.number() }),
  superseded: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional(),
  guardrails: z.array(GuardrailBody).nullable(),
  reason: z.string().nullable(),
  finished_at: z.string().nullable(),
  decisions: z.array(
    z.looseObject({
      at: z.string(),
      decision: z.string(),
      stage: z.number(),
      actor: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type RolloutBody = z.infer<typeof RolloutBody>;

/** Polls a job until it is terminal (tests only: the gateway itself never sleeps like this). */
export async function waitForJob(
  baseUrl: string,
  id: string,
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = JobBody.parse(
      (await getJson(`${baseUrl}/v1/generations/${id}?wait=5`, headers)).body,
    );
    if (['succeeded', 'failed', 'canceled'].includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
  }
}
