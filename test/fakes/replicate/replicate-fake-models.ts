/**
 * The input schemas of the models the Replicate fake serves, reduced to the checks Replicate's
 * own validation makes (enums, ranges, required files). Field names follow each model's API
 * page on replicate.com; see src/providers/replicate/README.md.
 */
type FieldCheck = (value: unknown) => string | undefined;

const oneOf =
  (...allowed: readonly (string | number)[]): FieldCheck =>
  (value) =>
    allowed.includes(value as string | number)
      ? undefined
      : `must be one of the following: ${allowed.map((item) => JSON.stringify(item)).join(', ')}`;
const integerIn =
  (min: number, max: number): FieldCheck =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `must be an integer between ${min} and ${max}`;
const isString: FieldCheck = (value) =>
  typeof value === 'string' && value !== '' ? undefined : 'must be a string';
const isBoolean: FieldCheck = (value) =>
  typeof value === 'boolean' ? undefined : 'must be a boolean';
const isFile: FieldCheck = (value) =>
  typeof value === 'string' && /^(https?:\/\/|data:[a-z]+\/[\w.+-]+;base64,)/i.test(value)
    ? undefined
    : 'must be a URI';
const isSeed = integerIn(0, 2 ** 31 - 1);

interface ModelSchema {
  fields: Record<string, FieldCheck>;
  /** Extra rule across fields (e.g. Kling needs a start or end image). */
  check?: (input: Record<string, unknown>) => string | undefined;
}

const schemas: Record<string, ModelSchema> = {
  'black-forest-labs/flux-schnell': {
    fields: {
      prompt: isString,
      aspect_ratio: oneOf(
        '1:1',
        '16:9',
        '21:9',
        '3:2',
        '2:3',
        '4:5',
        '5:4',
        '3:4',
        '4:3',
        '9:16',
        '9:21',
      ),
      num_outputs: integerIn(1, 4),
      num_inference_steps: integerIn(1, 4),
      seed: isSeed,
      output_format: oneOf('webp', 'jpg', 'png'),
      output_quality: integerIn(0, 100),
      disable_safety_checker: isBoolean,
      go_fast: isBoolean,
      megapixels: oneOf('1', '0.25'),
    },
  },
  'haiper-ai/haiper-video-2': {
    fields: {
      prompt: isString,
      duration: oneOf(4, 6),
      aspect_ratio: oneOf('16:9', '9:16', '4:3', '3:4', '1:1'),
      frame_image_url: isFile,
      use_prompt_enhancer: isBoolean,
    },
  },
  'kwaivgi/kling-v1.6-pro': {
    fields: {
      prompt: isString,
      negative_prompt: (value) => (typeof value === 'string' ? undefined : 'must be a string'),
      aspect_ratio: oneOf('16:9', '9:16', '1:1'),
      start_image: isFile,
      end_image: isFile,
      cfg_scale: (value) =>
        typeof value === 'number' && value >= 0 && value <= 1
          ? undefined
          : 'must be between 0 and 1',
      duration: oneOf(5, 10),
    },
    check: (input) =>
      input.start_image === undefined && input.end_image === undefined
        ? 'A start or end image is required'
        : undefined,
  },
};

/**
 * Versions of community models the fake serves on `POST /v1/predictions` (the one the adapter
 * tests pin); any other version gets Replicate's 422 "Invalid version or not permitted".
 */
export const replicateFakeVersions: readonly string[] = [
  '39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b',
];

/** Validation messages in Replicate's `- input.field: reason` form; undefined for an unknown model. */
export function validateReplicateInput(
  model: string,
  input: Record<string, unknown>,
): string[] | undefined {
  if (model === 'community/model')
    return typeof input.prompt === 'string' ? [] : ['- input: prompt is required'];
  const schema = schemas[model];
  if (!schema) return undefined;
  const errors: string[] = [];
  if (typeof input.prompt !== 'string' || input.prompt === '')
    errors.push('- input: prompt is required');
  for (const [field, value] of Object.entries(input)) {
    const problem = schema.fields[field]?.(value);
    if (problem) errors.push(`- input.${field}: ${field} ${problem}`);
  }
  const crossField = schema.check?.(input);
  if (crossField) errors.push(`- input: ${crossField}`);
  return errors;
}
