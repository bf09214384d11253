import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';

/**
 * The floor under issue 14's latency goals, run as its own process
 * (`node --import tsx bench/support/durable-floor-proxy.ts`), printing `listening <port>`: the
 * least a durable gateway must do, and nothing else. Per request: one durable single-row INSERT
 * (the job exists before the provider is called), the upstream call on a keep-alive undici
 * `Pool`, one durable single-row UPDATE holding the output (the result is committed before the
 * client hears it), then the upstream answer relayed. No routing, auth, validation, attempts,
 * costs, analytics, notifications or batching: any durable gateway costs at least this much, so
 * what it adds over the fake is the machine's (two commits, four process wake-ups), not a
 * design's. `FLOOR_OUTPUT_FILE=1` writes the output to a file of its own (one directory)
 * instead, as ADR 0028 measured; without `FLOOR_DATABASE_URL` it is a plain proxy.
 */

const upstream = process.env.FLOOR_UPSTREAM_URL ?? 'http://127.0.0.1:1';
const databaseUrl = process.env.FLOOR_DATABASE_URL;
const outputToFile = process.env.FLOOR_OUTPUT_FILE === '1';
const pool = new Pool(upstream, { connections: 128 });
const database = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 16 }) : undefined;
const outputDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-floor-'));
await database?.query(
  'CREATE TABLE IF NOT EXISTS floor_jobs (id uuid PRIMARY KEY, status text NOT NULL, output bytea)',
);

async function relay(url: string, authorization: string, requestBody: Buffer) {
  const id = randomUUID();
  await database?.query({
    name: 'floor-insert',
    text: "INSERT INTO floor_jobs (id, status) VALUES ($1, 'running')",
    values: [id],
  });
  const answer = await pool.request({
    path: url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: requestBody,
  });
  const body = Buffer.from(await answer.body.arrayBuffer());
  if (outputToFile) writeFileSync(path.join(outputDir, id), body, { flag: 'wx' });
  await database?.query({
    name: 'floor-update',
    text: "UPDATE floor_jobs SET status = 'succeeded', output = $2 WHERE id = $1",
    values: [id, outputToFile ? null : body],
  });
  return { status: answer.statusCode, body };
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    // GET: the readiness probe of `waitForOk`.
    if (request.method === 'GET') return void response.writeHead(200).end('ok');
    relay(request.url ?? '/', request.headers.authorization ?? '', Buffer.concat(chunks)).then(
      ({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      },
      (error: unknown) => void response.writeHead(502).end(String(error)),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
const stop = () => {
  server.close();
  void Promise.all([pool.close(), database?.end(), rm(outputDir, { recursive: true })]).finally(
    () => process.exit(0),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
