import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { telegramWebhookPath } from '../../bot/telegram-webhook.js';
import { UnauthorizedError } from '../../core/errors/index.js';
import type { AppDependencies } from './app-dependencies.js';
import { errorResponses, jsonResponse } from '../schemas/error-responses.js';

/** An update as far as this route reads it; the bot reads the rest. */
const UpdateSchema = z.looseObject({ update_id: z.number().int() });

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const left = Buffer.from(presented);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Telegram's webhook calls in webhook mode (`telegram.mode: webhook`, or `auto` with
 * `SWITCHYARD_PUBLIC_URL`): only calls with the secret token set by setWebhook are taken.
 * Not registered without a bot in webhook mode.
 *
 * @example
 * curl -X POST localhost:8787/telegram/webhook -H 'x-telegram-bot-api-secret-token: …' \
 *   -H 'content-type: application/json' -d '{"update_id":1,"message":{…}}'
 */
export function telegramWebhookRoutes(
  dependencies: Pick<AppDependencies, 'telegramWebhook'>,
): FastifyPluginAsyncZod {
  const receiver = dependencies.telegramWebhook;
  return async (app) => {
    if (!receiver) return;
    app.post(
      telegramWebhookPath,
      {
        schema: {
          tags: ['telegram'],
          summary: 'Telegram Bot API webhook (the Telegram bot in webhook mode)',
          body: UpdateSchema,
          headers: z.looseObject({ 'x-telegram-bot-api-secret-token': z.string().optional() }),
          response: {
            // Telegram only reads the status; an empty object says the update was taken.
            200: jsonResponse('Update taken', z.object({}).strict()),
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const presented = request.headers['x-telegram-bot-api-secret-token'];
        if (!sameSecret(presented, receiver.secretToken)) {
          throw new UnauthorizedError(
            'This is the Telegram webhook; calls must carry the secret token.',
            'invalid_telegram_secret',
          );
        }
        await receiver.receive(request.body);
        return {};
      },
    );
  };
}
