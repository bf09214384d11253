import fc from 'fast-check';
import { z } from 'zod';

/** The subset of OpenAPI 3.0 / JSON Schema that the gateway's route schemas use. */
export type JsonSchema = {
  type?: string;
  enum?: readonly unknown[];
  const?: unknown;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
};

export const JsonSchemaShape: z.ZodType<JsonSchema> = z.lazy(() =>
  z.looseObject({
    type: z.string().optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    anyOf: z.array(JsonSchemaShape).optional(),
    oneOf: z.array(JsonSchemaShape).optional(),
    nullable: z.boolean().optional(),
    format: z.string().optional(),
    pattern: z.string().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    exclusiveMinimum: z.union([z.boolean(), z.number()]).optional(),
    exclusiveMaximum: z.union([z.boolean(), z.number()]).optional(),
    items: JsonSchemaShape.optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    properties: z.record(z.string(), JsonSchemaShape).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.union([z.boolean(), JsonSchemaShape]).optional(),
  }),
);

/**
 * Every URL the fuzzer produces points at a closed loopback port: a valid body must never make
 * the gateway fetch, call back or forward to a host on the internet.
 */
export const loopbackUrl = 'http://127.0.0.1:9/fuzz.png';

/** Strings are kept short: huge ones are the mutator's job, not the valid generator's. */
const longestValidString = 24;

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'uri') return fc.constant(loopbackUrl);
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.format === 'date')
    return fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
  // No length cap: a pattern may require more (a 30-character id); the pattern bounds it.
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern), { size: 'small' });
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(
    minLength,
    Math.min(schema.maxLength ?? longestValidString, longestValidString),
  );
  return fc.string({ minLength, maxLength });
}

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exclusiveLow = schema.exclusiveMinimum === true;
  const exclusiveHigh = schema.exclusiveMaximum === true;
  const low =
    typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : schema.minimum;
  const high =
    typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : schema.maximum;
  if (integer) {
    const min = Math.max(
      low === undefined ? -1e6 : Math.ceil(low) + (exclusiveLow ? 1 : 0),
      Number.MIN_SAFE_INTEGER,
    );
    const max = Math.min(
      high === undefined ? 1e6 : Math.floor(high) - (exclusiveHigh ? 1 : 0),
      Number.MAX_SAFE_INTEGER,
    );
    return fc.integer({ min, max });
  }
  return fc.double({
    min: low ?? -1e6,
    max: high ?? 1e6,
    minExcluded: exclusiveLow || typeof schema.exclusiveMinimum === 'number',
    maxExcluded: exclusiveHigh || typeof schema.exclusiveMaximum === 'number',
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/**
 * A fast-check arbitrary of values that satisfy `schema` (as far as a route's schema can say:
 * cross-field rules such as "p95 ≥ p50" are left to chance, which is fine for fuzzing).
 */
export function jsonSchemaArbitrary(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const base = baseArbitrary(schema, depth);
  return schema.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

function baseArbitrary(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives)
    return fc.oneof(...alternatives.map((item) => jsonSchemaArbitrary(item, depth)));
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      return fc.array(jsonSchemaArbitrary(schema.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([key, item]) => [
            key,
            jsonSchemaArbitrary(item, depth + 1),
          ]),
        ),
        { requiredKeys: (schema.required ?? []).filter((key) => key in properties) },
      );
      const extra = schema.additionalProperties;
      if (typeof extra !== 'object' || Object.keys(properties).length > 0) return record;
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }),
        jsonSchemaArbitrary(extra, depth + 1),
        { maxKeys: 3 },
      );
    }
    default:
      return depth > 2 ? fc.constant('x') : fc.jsonValue({ maxDepth: 2 });
  }
}
