import fc from 'fast-check';
import { z } from 'zod';
import {
  JsonSchemaShape,
  jsonSchemaArbitrary,
  loopbackUrl,
  type JsonSchema,
} from './json-schema-arbitrary.js';

/** One route operation as the OpenAPI document describes it. */
export interface FuzzOperation {
  method: string;
  /** OpenAPI path with `{param}` placeholders. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
}

/** A request ready for `app.inject`. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What the generator did, for the failure report. */
  shape: string;
}

const Parameter = z.object({
  in: z.string(),
  name: z.string(),
  schema: JsonSchemaShape.optional(),
});
const OpenApiDocument = z.object({
  paths: z.record(
    z.string(),
    z.record(
      z.string(),
      z.looseObject({
        parameters: z.array(Parameter).optional(),
        requestBody: z
          .object({ content: z.record(z.string(), z.object({ schema: JsonSchemaShape })) })
          .optional(),
      }),
    ),
  ),
});

/** Every operation of the gateway's OpenAPI document. */
export function listOperations(document: unknown): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(OpenApiDocument.parse(document).paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => parameter.name),
        query: parameters
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
        body: operation.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** Text PostgreSQL cannot store, control characters, scripts that change width and direction. */
const nastyText = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\u202Eevil',
  '👩‍👩‍👧‍👦',
  '\r\n\t',
  "'; DROP TABLE generations; --",
  '%00',
  '../../etc/passwd',
  '{{7*7}}',
  '\\',
  ' ',
  '',
);

/** Values a hostile or buggy client puts where a field is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyText,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1000, max: 300_000 }).map((length) => 'a'.repeat(length)),
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    0.5,
    -1e308,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER - 2,
    'NaN',
    'Infinity',
    '-1',
    '1e999',
    '12',
    [],
    {},
    [null],
    { $gt: '' },
    { __proto__: { polluted: true } },
    { constructor: { prototype: { polluted: true } } },
    'asset_does_not_exist',
    'data:image/png;base64,AAAA',
    'file:///etc/passwd',
    'gopher://127.0.0.1:9/',
    loopbackUrl,
    'http://127.0.0.1:9/' + 'x'.repeat(3000),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  // Deep nesting: parsers and recursive validators must not overflow.
  fc
    .integer({ min: 50, max: 2000 })
    .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth))),
);

/** A valid body with one field broken, removed, or an unknown one added. */
function nearValidBody(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      jsonSchemaArbitrary(schema),
      fc.nat(),
      hostileValue,
      fc.constantFrom('replace', 'delete', 'add', 'nest'),
    )
    .map(([valid, index, value, how]) => {
      if (valid === null || typeof valid !== 'object' || Array.isArray(valid)) return value;
      const body: Record<string, unknown> = { ...valid };
      const keys = Object.keys(schema.properties ?? {});
      const key = keys.length > 0 ? keys[index % keys.length]! : 'field';
      if (how === 'delete') delete body[key];
      else if (how === 'add') body[`unknown_${index % 5}`] = value;
      else if (how === 'nest') body[key] = { [key]: value };
      else body[key] = value;
      return body;
    });
}

/** Mostly JSON, so that most bodies get past the parser to validation and beyond. */
const contentTypes = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=fuzz',
    'image/png',
    'application/octet-stream',
    'application/xml',
    ';;;',
    'application/json, text/plain',
  ),
);

/** Header sets: the auth a route expects, none, or something odd. */
function headersArbitrary(adminKey: string): fc.Arbitrary<Record<string, string>> {
  const printable = fc
    .string({ minLength: 0, maxLength: 60 })
    .map((text) => text.replace(/[^\x20-\x7e]/g, 'x'));
  return fc.record(
    {
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant(`Bearer ${adminKey}`) },
        fc.constantFrom(
          'Bearer ',
          'Bearer',
          'bearer ' + adminKey,
          'Basic YWRtaW46YWRtaW4=',
          'Bearer sy-' + 'x'.repeat(40),
        ),
        printable.map((text) => `Bearer ${text}`),
        printable,
      ),
      'content-type': contentTypes,
      'idempotency-key': fc.oneof(printable, fc.constant('x'.repeat(300))),
      // A waiting client at most briefly: the fuzzer must not hang on a slow job.
      prefer: fc.constantFrom(
        'wait=0',
        'wait=1',
        'respond-async',
        'wait=-5',
        'wait=abc',
        'handling=strict',
      ),
      'x-forwarded-host': fc.constantFrom('evil.example', '127.0.0.1:9', '', 'a'.repeat(300)),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'),
      'content-length': fc.constantFrom('0', '1', '999999999999', '-1', 'abc'),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'image/png'),
      range: fc.constantFrom(
        'bytes=0-0',
        'bytes=5-1',
        'bytes=-1',
        'bytes=999999999-',
        'lines=1-2',
        'bytes=0-1,2-3',
      ),
    },
    { requiredKeys: ['authorization'] },
  );
}

/**
 * Percent-encoding that also takes half a surrogate pair (as WTF-8 bytes, which is what a
 * hostile client can send), where `encodeURIComponent` throws.
 */
function percentEncode(text: string): string {
  return Array.from(text, (character) => {
    const code = character.charCodeAt(0);
    if (character.length > 1 || code < 0xd800 || code > 0xdfff)
      return encodeURIComponent(character);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((byte) => `%${byte.toString(16).toUpperCase()}`)
      .join('');
  }).join('');
}

/** A query value for a declared parameter: valid, or hostile; `wait` kept to a second. */
function queryValue(name: string, schema: JsonSchema): fc.Arbitrary<string> {
  if (name === 'wait') return fc.constantFrom('0', '1', '-1', 'abc', '1e3', '');
  return fc.oneof(
    jsonSchemaArbitrary(schema).map((value) =>
      typeof value === 'string' ? value : JSON.stringify(value),
    ),
    hostileValue.map((value) =>
      typeof value === 'string' ? value.slice(0, 5000) : (JSON.stringify(value) ?? ''),
    ),
  );
}

function queryArbitrary(operation: FuzzOperation): fc.Arbitrary<string> {
  const declared = operation.query.map((parameter) =>
    fc.tuple(fc.constant(parameter.name), queryValue(parameter.name, parameter.schema)),
  );
  const undeclared = fc.tuple(
    fc.constantFrom('limit', 'cursor', 'user', 'status', 'tenant', '__proto__', 'a[b]', 'x'),
    fc.string({ maxLength: 20 }),
  );
  return fc
    .array(fc.oneof(...declared, undeclared), { maxLength: 4 })
    .map((pairs) =>
      pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&'),
    );
}

/** A path parameter: an id that exists, looks right, or is hostile. */
function pathValue(knownIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(knownIds.length > 0 ? [fc.constantFrom(...knownIds)] : []),
    fc.constantFrom(
      'gen_00000000000000000000',
      'asset_missing',
      'simulator',
      'runware',
      '..',
      '%2e%2e',
    ),
    fc.string({ minLength: 1, maxLength: 30 }),
    nastyText.filter((text) => text.length > 0),
    fc.constant('x'.repeat(500)),
  );
}

/** Every kind of body: none, a valid or near-valid one, random JSON, or bytes that are not JSON. */
function bodyArbitrary(
  operation: FuzzOperation,
): fc.Arbitrary<{ payload?: string | Buffer; shape: string }> {
  const json = (shape: string) => (value: unknown) => ({
    payload: JSON.stringify(value) ?? 'null',
    shape,
  });
  const bodies: fc.Arbitrary<{ payload?: string | Buffer; shape: string }>[] = [
    fc.constant({ shape: 'no body' }),
    fc.jsonValue({ maxDepth: 4 }).map(json('random JSON')),
    fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((text) => ({ payload: text, shape: 'random text' })),
    fc
      .uint8Array({ maxLength: 200 })
      .map((bytes) => ({ payload: Buffer.from(bytes), shape: 'random bytes' })),
    fc
      .constantFrom('{"prompt":', '{"__proto__":{"x":1}}', '[', '"', '{}'.repeat(1000), '\uFEFF{}')
      .map((text) => ({
        payload: text,
        shape: 'broken JSON',
      })),
  ];
  if (operation.body) {
    bodies.push(jsonSchemaArbitrary(operation.body).map(json('valid body')));
    bodies.push(nearValidBody(operation.body).map(json('near-valid body')));
    bodies.push(nearValidBody(operation.body).map(json('near-valid body')));
  }
  return fc.oneof(...bodies);
}

/** Requests to one operation: its path, query, headers and body, each valid or hostile. */
export function fuzzRequestArbitrary(
  operation: FuzzOperation,
  options: { adminKey: string; knownIds: readonly string[] },
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      params: fc.array(pathValue(options.knownIds), {
        minLength: operation.pathParams.length,
        maxLength: operation.pathParams.length,
      }),
      query: queryArbitrary(operation),
      headers: headersArbitrary(options.adminKey),
      body: bodyArbitrary(operation),
    })
    .map(({ params, query, headers, body }) => {
      let path = operation.path;
      operation.pathParams.forEach((name, index) => {
        path = path.replace(`{${name}}`, percentEncode(params[index]!));
      });
      // A declared length that does not match the bytes is a framing error Node itself refuses
      // before the app sees it; inject would hang waiting for bytes, so only send it when true.
      const { 'content-length': contentLength, ...rest } = headers;
      const payloadLength = body.payload === undefined ? 0 : Buffer.byteLength(body.payload);
      const sendLength = contentLength !== undefined && Number(contentLength) === payloadLength;
      return {
        method: operation.method,
        url: query ? `${path}?${query}` : path,
        headers: sendLength ? { ...rest, 'content-length': contentLength } : rest,
        payload: body.payload,
        shape: body.shape,
      };
    });
}
