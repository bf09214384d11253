import { z } from 'zod';

// Minimal views of the Gemini API's JSON (proto3 JSON, camelCase): only the fields the adapter
// reads; unknown fields are tolerated (stripped), optional ones `.nullish()`.

/** Google's RPC error envelope: `{"error": {code, message, status, details[]}}`. */
export const GoogleErrorBodySchema = z.object({
  error: z.object({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z
      .array(
        z.object({
          '@type': z.string().nullish(),
          /** `google.rpc.ErrorInfo`: e.g. `API_KEY_INVALID`, `BILLING_DISABLED`. */
          reason: z.string().nullish(),
          /** `google.rpc.RetryInfo`: e.g. `"7s"`. */
          retryDelay: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
});

const PartSchema = z.object({
  text: z.string().nullish(),
  inlineData: z.object({ mimeType: z.string().nullish(), data: z.string() }).nullish(),
});

/** `POST models/{model}:generateContent` answer. */
export const GenerateContentResponseSchema = z.object({
  candidates: z
    .array(
      z.object({
        content: z.object({ parts: z.array(PartSchema).nullish() }).nullish(),
        finishReason: z.string().nullish(),
      }),
    )
    .nullish(),
  promptFeedback: z
    .object({ blockReason: z.string().nullish(), blockReasonMessage: z.string().nullish() })
    .nullish(),
  responseId: z.string().nullish(),
});
export type GenerateContentResponse = z.infer<typeof GenerateContentResponseSchema>;

/** A long-running operation (`predictLongRunning` answer and `GET {name}`). */
export const VeoOperationSchema = z.object({
  name: z.string().min(1),
  done: z.boolean().nullish(),
  error: z.object({ code: z.number().nullish(), message: z.string().nullish() }).nullish(),
  response: z
    .object({
      generateVideoResponse: z
        .object({
          generatedSamples: z
            .array(
              z.object({
                video: z
                  .object({
                    uri: z.string().nullish(),
                    /** Inline base64 video (the SDK reads it as `videoBytes`). */
                    encodedVideo: z.string().nullish(),
                    /** The MIME type, e.g. `video/mp4` (the SDK's `mimeType`). */
                    encoding: z.string().nullish(),
                  })
                  .nullish(),
              }),
            )
            .nullish(),
          raiMediaFilteredCount: z.number().nullish(),
          raiMediaFilteredReasons: z.array(z.string()).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type VeoOperation = z.infer<typeof VeoOperationSchema>;

/** Operation names are put into URL paths, so only their documented shape is accepted. */
export const OperationNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/)
  .refine((name) => !name.split('/').some((segment) => segment === '..' || segment === '.'));

/** What the adapter stores as its operation handle. */
export const GoogleOperationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('image'), responseId: z.string() }),
  z.object({
    kind: z.literal('video'),
    name: OperationNameSchema,
    durationSeconds: z.number(),
    width: z.number(),
    height: z.number(),
  }),
]);
export type GoogleOperation = z.infer<typeof GoogleOperationSchema>;
