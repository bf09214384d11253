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
  },
) {
  const results: TrafficResult[] = [];
  let running = true;
  let counter = 0;
  const lanes = Array.from({ length: options.concurrency }, async () => {
    while (running) {
      const user = `user-${counter++}`;
      const createdAt = Date.now();
      const response = await postJson(`${baseUrl}/v1/generations?wait=20`, {
        model: options.model,
        prompt: 'rollout traffic',
        user,
        width: 64,
        height: 64,
      });
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
