import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakePng } from '../fakes/fake-media.js';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.js';

const adminKey = 'openapi-admin-key-0123456789abcdef';
const fixture = path.resolve(import.meta.dirname, '../fixtures/openapi-client/typed-calls.ts');

const MediaSchema = z.object({ schema: z.record(z.string(), z.unknown()) });
const ResponseSchema = z.object({
  description: z.string(),
  content: z.record(z.string(), MediaSchema).optional(),
});
const OperationSchema = z.looseObject({
  responses: z.record(z.string(), ResponseSchema),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  requestBody: z.looseObject({ content: z.record(z.string(), MediaSchema) }).optional(),
});
const DocumentSchema = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
  components: z.looseObject({
    schemas: z.record(z.string(), z.unknown()),
    securitySchemes: z.record(z.string(), z.looseObject({ type: z.string() })),
  }),
});
type OpenApiDocument = z.infer<typeof DocumentSchema>;

/**
 * Whether a JSON Schema names what it holds: not an open object with no properties (what a
 * route without a response schema of its own would show).
 */
function describesFields(schema: Record<string, unknown>): boolean {
  const extra = schema.additionalProperties;
  // `{}` and `true` both let any field through.
  const open =
    extra === undefined ||
    extra === true ||
    (typeof extra === 'object' && extra !== null && Object.keys(extra).length === 0);
  const empty = Object.keys((schema.properties as object | undefined) ?? {}).length === 0;
  return !(Object.keys(schema).length === 0 || (schema.type === 'object' && empty && open));
}

function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ route, method, operation })),
  );
}

/** Type-checks files with the project's compiler, strict, against the DOM's fetch types. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/**
 * `/openapi.json` is a contract a client can be generated from: openapi-typescript turns the
 * running gateway's document into types, a file of plain-fetch calls type-checks against them,
 * and the answers those calls get match the document's schemas.
 */
describe('the OpenAPI document as a client contract', () => {
  let test: TestGateway;
  let document: OpenApiDocument;
  let raw: OpenAPI3;
  let workDir: string;
  beforeAll(async () => {
    test = await startTestGateway('pglite', { adminKey });
    const response = await fetch(`${test.url}/openapi.json`);
    raw = (await response.json()) as OpenAPI3;
    document = DocumentSchema.parse(raw);
    workDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-openapi-'));
  });
  afterAll(async () => {
    await test?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('should give every operation a 2xx with a schema and the error envelope on every error', () => {
    const all = operations(document);
    expect(all.length).toBeGreaterThan(80);
    for (const { route, method, operation } of all) {
      const label = `${method.toUpperCase()} ${route}`;
      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((status) => status.startsWith('2'));
      expect(successes, label).not.toHaveLength(0);
      for (const status of successes) {
        const content = operation.responses[status]!.content ?? {};
        expect(Object.keys(content), `${label} ${status}`).not.toHaveLength(0);
      }
      const errors = statuses.filter((status) => /^[45]/.test(status));
      expect(errors, label).toEqual(expect.arrayContaining(['400', '401', '500']));
      for (const status of errors) {
        // /readyz answers 503 with its readiness body, on purpose.
        if (route === '/readyz' && status === '503') continue;
        expect(operation.responses[status]!.content?.['application/json']?.schema, label).toEqual({
          $ref: '#/components/schemas/ErrorEnvelope',
        });
      }
    }
    expect(document.components.schemas.ErrorEnvelope).toBeDefined();
  });

  it('should describe the body of every /v1, /admin and /motif/services answer, and the upload and video bodies', () => {
    const described = operations(document).filter(({ route }) =>
      ['/v1/', '/admin/', '/motif/services/'].some((prefix) => route.startsWith(prefix)),
    );
    expect(described.filter(({ route }) => route.startsWith('/motif/services/'))).toHaveLength(9);
    const undescribed = described
      .filter(({ operation }) =>
        Object.entries(operation.responses).some(
          ([status, answer]) =>
            status.startsWith('2') &&
            Object.values(answer.content ?? {}).some((media) => !describesFields(media.schema)),
        ),
      )
      .map(({ route, method }) => `${method} ${route}`);
    expect(undescribed).toEqual([]);
    expect(describesFields({ type: 'object', properties: {}, additionalProperties: {} })).toBe(
      false,
    );
    const generation = document.paths['/v1/generations']!.post!;
    expect(Object.keys(generation.responses)).toEqual(expect.arrayContaining(['200', '202']));
    const asset = document.paths['/v1/assets/{id}']!.get!;
    expect(Object.keys(asset.responses)).toEqual(expect.arrayContaining(['200', '206', '416']));
    const upload = document.paths['/v1/uploads']!.post!;
    expect(Object.keys(upload.responses)).toContain('201');
    expect(upload.requestBody?.content['multipart/form-data']?.schema).toMatchObject({
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
    expect(Object.keys(document.paths['/v1/videos']!.post!.requestBody!.content)).toEqual([
      'multipart/form-data',
      'application/json',
    ]);
  });

  it('should mark key-taking routes with the bearer scheme, and public ones without', () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const bearer = [{ bearerAuth: [] }];
    expect(document.paths['/admin/rollouts']!.post!.security).toEqual(bearer);
    expect(document.paths['/admin/providers']!.get!.security).toEqual(bearer);
    expect(document.paths['/v1/generations']!.post!.security).toEqual(bearer);
    expect(document.paths['/v1/assets/{id}']!.get!.security).toEqual([...bearer, {}]);
    expect(document.paths['/healthz']!.get!.security).toBeUndefined();
    expect(document.paths['/v1/providers/{provider}/webhook']!.post!.security).toBeUndefined();
  });

  it('should generate a typed client whose calls type-check and match the running gateway', async () => {
    const types = astToString(await openapiTS(raw));
    await writeFile(path.join(workDir, 'api.ts'), types);
    const calls = path.join(workDir, 'typed-calls.ts');
    await copyFile(fixture, calls);
    expect(typeErrors([calls])).toEqual([]);

    // The types are real: reading a field the document does not promise fails to compile.
    const wrong = path.join(workDir, 'wrong-call.ts');
    await writeFile(
      wrong,
      [
        "import type { paths } from './api.js';",
        "type Job = paths['/v1/generations/{id}']['get']['responses']['200']['content']['application/json'];",
        'export const read = (job: Job): string => job.no_such_field;',
        "export const status = (job: Job): 'done' => job.status;",
      ].join('\n'),
    );
    const errors = typeErrors([wrong]);
    expect(errors.some((message) => message.includes('no_such_field'))).toBe(true);
    expect(errors.some((message) => message.includes('"done"'))).toBe(true);

    const compiled = ts.transpileModule(await readFile(calls, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const runnable = path.join(workDir, 'typed-calls.mjs');
    await writeFile(runnable, compiled.outputText);
    const module = (await import(pathToFileURL(runnable).href)) as {
      run(
        baseUrl: string,
        key: string,
        png: Blob,
      ): Promise<{ path: string; method: string; status: number; body: unknown }[]>;
    };
    const answers = await module.run(test.url, adminKey, new Blob([await fakePng()]));
    expect(answers.map((answer) => `${answer.method} ${answer.path} ${answer.status}`)).toEqual([
      'post /v1/generations 202',
      'get /v1/generations/{id} 200',
      'get /v1/generations 200',
      'get /v1/models 200',
      'post /v1/uploads 201',
      'get /v1/videos 200',
      'get /v1/generations/{id} 404',
      'get /motif/services/status 200',
      'post /motif/services/routing-strategy 200',
      'post /motif/services/primary-provider 200',
      'get /motif/services/providers 200',
      'post /motif/services/test-generation 200',
      'post /motif/services/cost-estimate 200',
      'post /motif/services/health-check 200',
      'get /motif/services/metrics 200',
      'post /motif/services/reinitialize 200',
      'post /motif/services/routing-strategy 400',
    ]);
    for (const answer of answers) {
      const schema =
        document.paths[answer.path]![answer.method]!.responses[String(answer.status)]!.content![
          'application/json'
        ]!.schema;
      // The document's own JSON Schema, its component $refs pointed at `definitions`, where
      // zod's converter resolves them.
      const resolvable = JSON.parse(
        JSON.stringify({ ...schema, definitions: document.components.schemas }).replaceAll(
          '#/components/schemas/',
          '#/definitions/',
        ),
      ) as Parameters<typeof z.fromJSONSchema>[0];
      const validator = z.fromJSONSchema(resolvable, { defaultTarget: 'openapi-3.0' });
      expect(validator.safeParse({ unexpected: true }).success).toBe(false);
      const checked = validator.safeParse(answer.body);
      expect(
        checked.error?.issues ?? [],
        `${answer.method} ${answer.path} ${answer.status}`,
      ).toEqual([]);
    }
  }, 120_000);
});
