/**
 * Request bodies that Fastify must not validate (multipart and raw bytes are read by the handler)
 * but `/openapi.json` must show. `documentedBody` is read only by the document transform
 * (`document-routes.ts`), which turns it into the operation's `requestBody`.
 */
const binary = { type: 'string', format: 'binary' } as const;
const imageTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

/** `POST /v1/uploads`: a multipart `file` part, or the raw image bytes. */
export const uploadBodyDocs = {
  documentedBody: {
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: { file: { ...binary, description: 'PNG, JPEG, WebP or GIF' } },
        },
      },
      ...Object.fromEntries(imageTypes.map((type) => [type, { schema: binary }])),
    },
  },
};

/** `POST /v1/videos`: OpenAI's multipart form (what its SDK sends), or the same fields as JSON. */
export function videoCreateBodyDocs(fields: Record<string, unknown>, required: readonly string[]) {
  const json = { type: 'object', required, properties: fields };
  return {
    documentedBody: {
      content: {
        'multipart/form-data': {
          schema: {
            ...json,
            properties: {
              ...fields,
              input_reference: { ...binary, description: 'Reference image for image-to-video' },
            },
          },
        },
        'application/json': { schema: json },
      },
    },
  };
}
