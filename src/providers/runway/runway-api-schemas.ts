import { z } from 'zod';

/** `POST /v1/image_to_video`, `/v1/text_to_video`, `/v1/text_to_image`: the new task's id. */
export const RunwayTaskCreatedSchema = z.looseObject({
  id: z.string().min(1),
});

/** Task states; SUCCEEDED, FAILED and CANCELLED are terminal. */
const RunwayTaskStatusSchema = z.enum([
  'PENDING',
  'THROTTLED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
]);

/** `GET /v1/tasks/{id}`. Minimal: `cost` only appears on terminal tasks in recent API versions. */
export const RunwayTaskSchema = z.looseObject({
  id: z.string().min(1),
  status: RunwayTaskStatusSchema,
  progress: z.number().nullish(),
  output: z.array(z.string()).nullish(),
  failure: z.string().nullish(),
  failureCode: z.string().nullish(),
  cost: z.looseObject({ credits: z.number().nonnegative() }).nullish(),
});
export type RunwayTask = z.infer<typeof RunwayTaskSchema>;

/** `GET /v1/organization` (health check and credit balance). */
export const RunwayOrganizationSchema = z.looseObject({
  creditBalance: z.number(),
});

/** Error bodies: `{"error": "<human message>"}`, sometimes with zod-style `issues`. */
export const RunwayErrorBodySchema = z.looseObject({
  error: z.union([z.string(), z.looseObject({ message: z.string().nullish() })]).nullish(),
  message: z.string().nullish(),
  issues: z
    .array(z.looseObject({ message: z.string().nullish(), path: z.array(z.unknown()).nullish() }))
    .nullish(),
});
