import { z } from 'zod';

/** A Telegram chat id as a config key: a number, negative for groups (`"-1001234"`). */
const ChatIdKeySchema = z.string().regex(/^-?\d{1,20}$/, 'must be a Telegram chat id (digits)');

/**
 * The Telegram bot front end of seed S5 (docs/operations.md, "Telegram bot"). It runs when a
 * token is set (`TELEGRAM_BOT_TOKEN`); who may use it is explicit: nobody by default.
 */
export const TelegramConfigSchema = z
  .object({
    /** Bot token from @BotFather (`TELEGRAM_BOT_TOKEN`); absent: no bot. Never logged. */
    botToken: z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, "must look like '<bot id>:<secret>' as @BotFather gives it")
      .optional(),
    /** Bot API base URL (`TELEGRAM_API_ROOT`): a local Bot API server, a proxy, a test fake. */
    apiRoot: z.url().default('https://api.telegram.org'),
    /**
     * `polling` long-polls getUpdates; `webhook` has Telegram call
     * `<SWITCHYARD_PUBLIC_URL>/telegram/webhook` (HTTPS, ports 443, 80, 88 or 8443);
     * `auto` is `webhook` when a public URL is set, else `polling` (`TELEGRAM_BOT_MODE`).
     */
    mode: z.enum(['auto', 'polling', 'webhook']).default('auto'),
    /** Telegram user ids that may use the bot in any chat, without a tenant (operators). */
    allowedUserIds: z.array(z.number().int()).default([]),
    /** Chat id → tenant name (or id): anyone in that chat creates jobs as that tenant. */
    chats: z.record(ChatIdKeySchema, z.string().min(1)).default({}),
    /** Chats that also receive cost alerts, as they fire and as they resolve. */
    alertChatIds: z.array(z.number().int()).default([]),
    /** Jobs one chat may start per rolling minute (per gateway process). */
    jobsPerMinute: z.number().int().min(1).max(1000).default(5),
    /** Image model of `/image` when the command names none. */
    defaultImageModel: z.string().min(1).default('sim-image'),
    /** Video model of `/video` when the command names none. */
    defaultVideoModel: z.string().min(1).default('sim-video'),
    /** Longest the bot follows one job before it says so and stops editing. */
    jobWaitSeconds: z.number().int().min(5).max(3600).default(900),
    /** How often the progress message's elapsed time is refreshed while nothing changes. */
    progressIntervalSeconds: z.number().min(0.5).max(60).default(5),
    /** Seconds a getUpdates long poll is held by the Bot API. */
    pollTimeoutSeconds: z.number().int().min(0).max(50).default(30),
  })
  .strict();

export type TelegramConfig = z.infer<typeof TelegramConfigSchema>;
