import { postJson } from './http-client.js';
import { JobBody } from './api-schemas.js';

/** A traffic answer: a job, or (an HTTP error answer) none of these fields. */
const TrafficAnswer = JobBody.pick({ id: true, status: true, provider: true }).partial();

/** One finished request of a traffic run. */
export interface TrafficResult {
  id: string;
  user: string;
  status: string;
  provider: string | null;
  createdAt: number;
  httpStatus: number;
}

/**
 * Keeps `concurrency` clients sending generations (each with a fresh user id, held with
 * `?wait=`) until stopped — the steady traffic a rollout needs to evaluate guardrails on.
 */
export function startTraffic(
  baseUrl: string,
  options: {
    concurrency: number;
    model: string;
    onResult?: (result: TrafficResult) => Promise<void> | void;
    /** Request headers (an API key when the gateway runs in auth mode). */
    headers?: Record<string, string>;
  },
) {
  const results: TrafficResult[] = [];
  let running = true;
  let counter = 0;
  const lanes = Array.from({ length: options.concurrency }, async () => {
    while (running) {
      const user = `user-${counter++}`;
      const createdAt = Date.now();
      const response = await postJson(
        `${baseUrl}/v1/generations?wait=20`,
        {
          model: options.model,
          prompt: 'rollout traffic',
          user,
          width: 64,
          height: 64,
        },
        options.headers,
      );
      const answer = TrafficAnswer.parse(response.body);
      const result: TrafficResult = {
        id: answer.id ?? '',
        user,
        status: answer.status ?? `http_${response.status}`,
        provider: answer.provider ?? null,
        createdAt,
        httpStatus: response.status,
      };
      results.push(result);
      await options.onResult?.(result);
    }
  });
  return {
    results,
    async stop(): Promise<TrafficResult[]> {
      running = false;
      await Promise.all(lanes);
      return results;
    },
  };
}

/**
 * Sends `count` generations (fresh user ids, `concurrency` at a time, each held with `?wait=`)
 * and resolves when every one has answered. With a test clock the whole batch happens at one
 * instant of gateway time, so a test decides exactly which window it lands in.
 *
 * `whileStuck` runs whenever no answer came for `stuckAfterMs` of real time while requests are
 * still held, i.e. every job that can finish at the current gateway time has finished: a test
 * moves its clock there so that jobs with a simulated latency complete.
 */
export async function sendBatch(
  baseUrl: string,
  options: {
    count: number;
    concurrency: number;
    model: string;
    userPrefix?: string;
    /** Request headers (an API key when the gateway runs in auth mode). */
    headers?: Record<string, string>;
    /** More fields for every request body (`provider` to pin one). */
    body?: Record<string, unknown>;
    onResult?: (result: TrafficResult) => Promise<void> | void;
    whileStuck?: () => void;
    stuckAfterMs?: number;
  },
): Promise<TrafficResult[]> {
  const results: TrafficResult[] = [];
  const prefix = options.userPrefix ?? `batch-${Math.random().toString(36).slice(2, 8)}`;
  let next = 0;
  let lastAnswer = Date.now();
  const watcher =
    options.whileStuck &&
    setInterval(() => {
      if (Date.now() - lastAnswer < (options.stuckAfterMs ?? 300)) return;
      lastAnswer = Date.now();
      options.whileStuck!();
    }, 25);
  try {
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, options.count) }, async () => {
        while (next < options.count) {
          const user = `${prefix}-${next++}`;
          const createdAt = Date.now();
          const response = await postJson(
            `${baseUrl}/v1/generations?wait=20`,
            {
              model: options.model,
              prompt: 'rollout traffic',
              user,
              width: 64,
              height: 64,
              ...options.body,
            },
            options.headers,
          );
          lastAnswer = Date.now();
          const answer = TrafficAnswer.parse(response.body);
          const result: TrafficResult = {
            id: answer.id ?? '',
            user,
            status: answer.status ?? `http_${response.status}`,
            provider: answer.provider ?? null,
            createdAt,
            httpStatus: response.status,
          };
          results.push(result);
          await options.onResult?.(result);
        }
      }),
    );
  } finally {
    if (watcher) clearInterval(watcher);
  }
  return results;
}
