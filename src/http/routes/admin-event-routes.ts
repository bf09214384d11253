import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { operatorAuth } from './operator-auth.js';
import { issueEventToken, verifyEventToken } from './event-stream-token.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';

/** How often the stream looks for rollout decisions (they may come from another instance). */
const decisionPollMs = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
const keepAliveMs = 15_000;

const TokenSchema = z
  .object({ token: z.string(), expires_at: z.string() })
  .meta({ id: 'EventStreamToken' });

/**
 * Live updates for the dashboard as server-sent events: `rollout` (each decision, evaluations
 * included, from any instance), `routing` (weights, strategy, switches), `provider` (enable,
 * disable, profile), `alert`, and `job` (state changes seen by this instance).
 *
 * @example
 * TOKEN=$(curl -s -X POST localhost:8787/admin/events/token -H "authorization: Bearer $KEY" | jq -r .token)
 * curl -N "localhost:8787/admin/events?token=$TOKEN"
 */
export function adminEventRoutes(
  dependencies: Pick<
    AppDependencies,
    | 'config'
    | 'rollouts'
    | 'controlPlane'
    | 'instances'
    | 'alerts'
    | 'jobEvents'
    | 'logger'
    | 'apiKeys'
  >,
): FastifyPluginAsyncZod {
  const { config, rollouts, controlPlane, instances, alerts, jobEvents } = dependencies;
  const checkAdmin = operatorAuth(dependencies);
  // The alert sink takes listeners for its lifetime: one here, fanned out to open streams.
  const alertListeners = new Set<(payload: unknown) => void>();
  alerts.onAlert((alert) => {
    for (const listener of alertListeners) listener(alert);
  });
  return async (app) => {
    app.post(
      '/admin/events/token',
      {
        preHandler: checkAdmin,
        schema: {
          tags: ['admin'],
          summary: 'A 60-second token that opens GET /admin/events (EventSource sends no headers)',
          response: { 200: jsonResponse('The token', TokenSchema), ...errorResponses() },
        },
      },
      async () => {
        const issued = issueEventToken(config.adminKey ?? '', Date.now());
        return { token: issued.token, expires_at: issued.expiresAt.toISOString() };
      },
    );

    app.get(
      '/admin/events',
      {
        schema: {
          tags: ['admin'],
          summary: 'Server-sent events: rollout, routing, provider, alert, job',
          description:
            'Open with `?token=` from POST /admin/events/token (browsers), or with the admin key as a bearer header. The token is checked when the stream opens.',
          querystring: z.object({ token: z.string().max(200).optional() }),
          response: {
            200: {
              description: 'An event stream (`event: <type>`, `data: <JSON>`)',
              content: { 'text/event-stream': { schema: z.string() } },
            },
            ...errorResponses(),
          },
        },
      },
      async (request, reply) => {
        const { token } = request.query;
        if (token !== undefined) {
          if (!config.adminKey || !verifyEventToken(config.adminKey, token, Date.now()))
            throw new UnauthorizedError(
              'The event token is invalid or expired; get a new one from POST /admin/events/token.',
            );
        } else {
          await checkAdmin(request);
        }
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        const send = (event: string, data: unknown) =>
          raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        let lastDecision = await rollouts.store.latestDecisionId();
        send('ready', { at: new Date().toISOString() });

        const onAlert = (alert: unknown) => send('alert', alert);
        alertListeners.add(onAlert);
        const cleanups = [
          () => alertListeners.delete(onAlert),
          controlPlane.onChange(({ current }) => send('routing', current)),
          instances.onChange(() =>
            send('provider', {
              providers: instances.list().map((instance) => ({
                id: instance.adapter.id,
                enabled: instance.enabled,
              })),
            }),
          ),
          jobEvents.subscribeAll((change) =>
            send('job', { id: change.jobId, status: change.status }),
          ),
        ];
        let polling = false;
        const poll = setInterval(() => {
          if (polling) return;
          polling = true;
          rollouts.store
            .decisionsAfter(lastDecision, 100)
            .then((decisions) => {
              for (const decision of decisions) {
                lastDecision = decision.id;
                send('rollout', {
                  rollout_id: decision.rolloutId,
                  decision: decision.decision,
                  stage: decision.stage + 1,
                  at: decision.at.toISOString(),
                  actor: decision.actor,
                  weights: decision.weights,
                });
              }
            })
            .catch((error: unknown) =>
              request.log.warn({ err: error }, 'event stream: reading rollout decisions failed'),
            )
            .finally(() => (polling = false));
        }, decisionPollMs);
        const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), keepAliveMs);
        const close = () => {
          clearInterval(poll);
          clearInterval(keepAlive);
          for (const cleanup of cleanups) cleanup();
        };
        raw.once('close', close);
        request.raw.once('close', close);
      },
    );
  };
}
