import type { FakeResponse, FakeScenario } from '../fake-http-server.js';

/** How a prediction ends once its (short) run is over. */
export type ReplicateFakeOutcome = 'succeeded' | 'failed' | 'flagged' | 'canceled' | 'aborted';

/** A prediction the fake holds. */
export interface ReplicateFakePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  createdAt: number;
  outcome: ReplicateFakeOutcome;
  canceledAt?: number;
  webhook?: string;
  webhookEventsFilter?: string[];
  /** Cancels the pending completion webhook. */
  cancelDelivery?: () => void;
}

/** An RFC 7807 problem answer, as Replicate sends its errors. */
export const problem = (status: number, title: string, detail: string): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ title, detail, status }),
});

/** Replicate's real error bodies for each scenario (see src/providers/replicate/README.md). */
export const scenarioResponses: Record<
  Exclude<FakeScenario, 'ok' | 'hang' | 'invalid_request'>,
  FakeResponse
> = {
  auth_error: problem(401, 'Unauthenticated', 'You did not pass a valid authentication token'),
  insufficient_credits: problem(
    402,
    'Insufficient credit',
    'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.',
  ),
  rate_limited: {
    status: 429,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '7' },
    body: JSON.stringify({
      detail: 'Request was throttled. Your rate limit resets in ~7s.',
      status: 429,
    }),
  },
  server_error: problem(500, 'Internal Server Error', 'Something went wrong on our end.'),
  malformed_json: {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: '{"id": "p1", "status": "start',
  },
};

/** Replicate's 422 for input that fails the model's schema (`- input.field: reason` lines). */
export function validationFailure(lines: string[]): FakeResponse {
  return {
    status: 422,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      detail: `${lines.join('\n')}\n`,
      status: 422,
      title: 'Input validation failed',
      invalid_fields: lines.map((line) => {
        const [field, description] = line.replace(/^- /, '').split(': ');
        return { type: 'invalid', field: field ?? '', description: description ?? line };
      }),
    }),
  };
}

export function isTerminal(status: string): boolean {
  return ['succeeded', 'failed', 'canceled', 'aborted'].includes(status);
}

export function isVideoModel(model: string): boolean {
  return ['haiper-ai/haiper-video-2', 'kwaivgi/kling-v1.6-pro'].includes(model);
}

function failureText(outcome: ReplicateFakeOutcome): string {
  return outcome === 'flagged'
    ? 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)'
    : 'Prediction interrupted; please retry (code: PA)';
}

/** The prediction object as Replicate's API (and its webhooks) show it. */
export function renderPrediction(
  prediction: ReplicateFakePrediction,
  view: { status: string; serverUrl: string; startingMs: number; output: unknown },
): Record<string, unknown> {
  const { status } = view;
  const base = `${view.serverUrl}/v1/predictions/${prediction.id}`;
  const done = isTerminal(status);
  const started = status !== 'starting' && status !== 'aborted';
  return {
    id: prediction.id,
    model: prediction.model,
    version: prediction.version,
    input: prediction.input,
    logs: status === 'starting' ? '' : 'Using seed: 1234\n',
    output: status === 'succeeded' ? view.output : null,
    data_removed: false,
    error: status === 'failed' ? failureText(prediction.outcome) : null,
    status,
    source: 'api',
    created_at: new Date(prediction.createdAt).toISOString(),
    started_at: started ? new Date(prediction.createdAt + view.startingMs).toISOString() : null,
    completed_at: done ? new Date().toISOString() : null,
    urls: { cancel: `${base}/cancel`, get: base, web: `https://replicate.com/p/${prediction.id}` },
    ...(done && started ? { metrics: { predict_time: 1.234, total_time: 1.5 } } : {}),
    ...(prediction.webhook
      ? {
          webhook: prediction.webhook,
          webhook_events_filter: prediction.webhookEventsFilter ?? [
            'start',
            'output',
            'logs',
            'completed',
          ],
        }
      : {}),
  };
}
