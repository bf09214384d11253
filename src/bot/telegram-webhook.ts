import { createHmac } from 'node:crypto';

/** Where the gateway takes Telegram's webhook calls (below `SWITCHYARD_PUBLIC_URL`). */
export const telegramWebhookPath = '/telegram/webhook';

/** What the HTTP layer needs to hand Telegram's updates to the bot. */
export interface TelegramWebhookReceiver {
  /**
   * The `X-Telegram-Bot-Api-Secret-Token` every genuine call carries (set with setWebhook);
   * derived from the bot token, so every instance expects the same one.
   */
  secretToken: string;
  /** Handles one update; resolves once the bot has answered it (jobs are followed detached). */
  receive(update: unknown): Promise<void>;
}

/** 64 hex characters (Telegram takes 1–256 of `A-Za-z0-9_-`), never the token itself. */
export function webhookSecretToken(botToken: string): string {
  return createHmac('sha256', botToken).update('switchyard telegram webhook').digest('hex');
}
