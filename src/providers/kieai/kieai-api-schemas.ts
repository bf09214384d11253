import { z } from 'zod';

// Minimal, tolerant shapes of Kie.ai's API (docs.kie.ai): the `{code, msg, data}` envelope and
// the record endpoints of the Veo 3.1 and Runway families.

/** Every Kie.ai answer: `{code, msg, data}` (some endpoints say `message`). */
export const KieaiEnvelopeSchema = z.looseObject({
  code: z.number(),
  msg: z.string().nullish(),
  message: z.string().nullish(),
  data: z.unknown().nullish(),
});

/** `data` of a generate call. */
export const KieaiTaskCreatedSchema = z.looseObject({ taskId: z.string().min(1) });

/** `data` of `GET /api/v1/veo/record-info`. */
export const KieaiVeoRecordSchema = z.looseObject({
  taskId: z.string().nullish(),
  /** 0 generating, 1 success, 2 failed, 3 generation failed. */
  successFlag: z.number(),
  response: z
    .looseObject({
      resultUrls: z.array(z.string()).nullish(),
      resolution: z.string().nullish(),
    })
    .nullish(),
  errorCode: z.union([z.number(), z.string()]).nullish(),
  errorMessage: z.string().nullish(),
});
export type KieaiVeoRecord = z.infer<typeof KieaiVeoRecordSchema>;

/** `data` of `GET /api/v1/runway/record-detail`. */
export const KieaiRunwayRecordSchema = z.looseObject({
  taskId: z.string().nullish(),
  /** `wait`, `queueing`, `generating`, `success`, `fail`. */
  state: z.string(),
  videoInfo: z
    .looseObject({ videoUrl: z.string().nullish(), imageUrl: z.string().nullish() })
    .nullish(),
  failCode: z.union([z.number(), z.string()]).nullish(),
  failMsg: z.string().nullish(),
});
export type KieaiRunwayRecord = z.infer<typeof KieaiRunwayRecordSchema>;

/**
 * A callback body. Veo sends `data.taskId` (+ `info.resultUrls`), Runway `data.task_id`
 * (+ `video_url`); only the task id is covered by Kie's signature.
 */
export const KieaiCallbackSchema = z.looseObject({
  code: z.number().nullish(),
  msg: z.string().nullish(),
  data: z.looseObject({ taskId: z.string().nullish(), task_id: z.string().nullish() }),
});
