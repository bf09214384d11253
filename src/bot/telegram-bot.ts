import { Bot, GrammyError, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import type { TelegramConfig } from '../config/telegram-config-schema.js';
import { GatewayError } from '../core/errors/index.js';
import type { Tenant } from '../core/tenancy.js';
import type { JobService } from '../jobs/job-service.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { balanceText, statusText } from './bot-answers.js';
import { describeFailure, helpText, progressText } from './bot-messages.js';
import { resolveChatAccess, type ChatAccess } from './chat-access.js';
import { ChatRateLimiter } from './chat-rate-limiter.js';
import { JobFollower } from './job-follower.js';
import { parseGenerateCommand } from './parse-generate-command.js';
import {
  telegramWebhookPath,
  webhookSecretToken,
  type TelegramWebhookReceiver,
} from './telegram-webhook.js';

export interface TelegramBotOptions {
  settings: TelegramConfig & { botToken: string };
  /** Base URL Telegram reaches the gateway at; required in webhook mode. */
  publicUrl?: string;
  jobs: Pick<JobService, 'create' | 'get' | 'list' | 'wait'>;
  assets: { read(id: string): Promise<{ data: Buffer; mimeType: string }> };
  instances: Pick<ProviderInstances, 'resolveModelKey'>;
  findTenant(nameOrId: string): Promise<Tenant | undefined>;
  logger: Logger;
  now: () => number;
  /** Aborted at gateway shutdown. */
  shutdown: AbortSignal;
}

type AllowedAccess = Extract<ChatAccess, { status: 'allowed' }>;

/**
 * Seed S5's Telegram front end, in the gateway's process: commands become native jobs through
 * the job service (no HTTP round trip), with the chat's tenant as the caller. start() returns
 * once the bot is known to the Bot API; polling then runs in the background, or in webhook mode
 * Telegram calls the gateway's `/telegram/webhook` route.
 *
 * @example
 * // In a chat with the bot:
 * // /image a red balloon
 * // /video 5s sim-video a cat on a sofa
 */
export class TelegramBot {
  private readonly bot: Bot;
  private readonly limiter: ChatRateLimiter;
  private readonly follower: JobFollower;
  private polling: Promise<void> | undefined;
  /** How updates arrive: `auto` is webhook mode when a public URL is set. */
  readonly mode: 'polling' | 'webhook';
  /** The receiver the webhook route calls; absent in polling mode. */
  readonly webhook: TelegramWebhookReceiver | undefined;

  constructor(private readonly options: TelegramBotOptions) {
    const { settings } = options;
    this.bot = new Bot(settings.botToken, { client: { apiRoot: settings.apiRoot } });
    this.limiter = new ChatRateLimiter(settings.jobsPerMinute, options.now);
    this.follower = new JobFollower({
      api: this.bot.api,
      jobs: options.jobs,
      assets: options.assets,
      logger: options.logger,
      now: options.now,
      progressIntervalMs: settings.progressIntervalSeconds * 1000,
      jobWaitMs: settings.jobWaitSeconds * 1000,
      shutdown: options.shutdown,
    });
    this.bot.catch(({ error }) =>
      options.logger.error({ error: (error as Error).message }, 'telegram: update failed'),
    );
    this.register();
    const { mode } = settings;
    this.mode = mode === 'auto' ? (options.publicUrl ? 'webhook' : 'polling') : mode;
    this.webhook =
      this.mode === 'webhook'
        ? {
            secretToken: webhookSecretToken(settings.botToken),
            receive: (update) => this.receive(update),
          }
        : undefined;
  }

  /** Checks the token (getMe) and starts long polling; a refused token stops start-up. */
  async start(): Promise<void> {
    const { logger, settings } = this.options;
    try {
      await this.bot.init();
    } catch (error) {
      if (error instanceof GrammyError && [401, 404].includes(error.error_code)) {
        throw new Error(`TELEGRAM_BOT_TOKEN was refused by the Bot API at ${settings.apiRoot}.`);
      }
      throw new Error(
        `Telegram bot could not reach ${settings.apiRoot}: ${(error as Error).message}`,
      );
    }
    if (this.webhook) {
      const url = `${(this.options.publicUrl ?? '').replace(/\/+$/, '')}${telegramWebhookPath}`;
      try {
        await this.bot.api.setWebhook(url, {
          secret_token: this.webhook.secretToken,
          allowed_updates: ['message'],
        });
      } catch (error) {
        throw new Error(
          `Telegram refused the webhook ${url} (${(error as Error).message}); it needs HTTPS on port 443, 80, 88 or 8443, or set telegram.mode: polling.`,
        );
      }
      logger.info({ bot: this.bot.botInfo.username, url }, 'telegram bot takes updates by webhook');
      return;
    }
    logger.info({ bot: this.bot.botInfo.username }, 'telegram bot polling for updates');
    this.polling = this.bot
      .start({ timeout: settings.pollTimeoutSeconds, allowed_updates: ['message'] })
      .catch((error: unknown) =>
        logger.error({ error: (error as Error).message }, 'telegram: polling stopped'),
      );
  }

  /** Stops polling (confirming the last update), then lets the job followers finish. */
  /** A plain message to a chat (cost alerts). */
  sendText(chatId: number, text: string): Promise<unknown> {
    return this.bot.api.sendMessage(chatId, text);
  }

  async stop(): Promise<void> {
    if (this.bot.isRunning()) await this.bot.stop().catch(() => undefined);
    await this.polling;
    await this.follower.idle();
  }

  /** One webhook update; a failing handler is logged, and Telegram still gets its 200. */
  private async receive(update: unknown): Promise<void> {
    try {
      await this.bot.handleUpdate(update as Update);
    } catch (error) {
      this.options.logger.error({ error: (error as Error).message }, 'telegram: update failed');
    }
  }

  private register(): void {
    const bot = this.bot;
    bot.command(['start', 'help'], (context) => context.reply(helpText));
    bot.command('image', (context) =>
      this.guarded(context, (access) => this.generate(context, 'image', access)),
    );
    bot.command('video', (context) =>
      this.guarded(context, (access) => this.generate(context, 'video', access)),
    );
    bot.command('status', (context) =>
      this.guarded(context, async (access) => {
        await context.reply(await statusText(this.options.jobs, context, access));
      }),
    );
    bot.command('balance', (context) =>
      this.guarded(context, (access) =>
        context.reply(balanceText(access.tenant)).then(() => undefined),
      ),
    );
  }

  /** Runs `handler` for a sender the chat access allows; everyone else gets a polite no. */
  private async guarded(context: Context, handler: (access: AllowedAccess) => Promise<unknown>) {
    const chatId = context.chat?.id;
    if (chatId === undefined) return;
    const access = await resolveChatAccess(
      { settings: this.options.settings, findTenant: this.options.findTenant },
      chatId,
      context.from?.id,
    );
    if (access.status === 'refused') {
      await context.reply(access.message);
      return;
    }
    try {
      await handler(access);
    } catch (error) {
      if (error instanceof GatewayError) {
        await context.reply(describeFailure(error));
        return;
      }
      // Logged with the detail; the chat hears only that it was not its fault.
      this.options.logger.error({ error: (error as Error).message }, 'telegram: command failed');
      await context.reply('Sorry, something went wrong on our side. Please try again later.');
    }
  }

  private async generate(context: Context, kind: 'image' | 'video', access: AllowedAccess) {
    const { settings, instances, jobs } = this.options;
    const chatId = context.chat!.id;
    const parsed = parseGenerateCommand(
      typeof context.match === 'string' ? context.match : '',
      kind,
      (word) => instances.resolveModelKey(word) !== undefined,
    );
    if (parsed.status === 'invalid') {
      await context.reply(parsed.message);
      return;
    }
    const allowed = this.limiter.take(String(chatId));
    if (!allowed.allowed) {
      await context.reply(
        `Slow down: this chat may start ${settings.jobsPerMinute} jobs a minute. Try again in ${allowed.retryAfterSeconds}s.`,
      );
      return;
    }
    const { job } = await jobs.create(
      {
        kind,
        model:
          parsed.model ??
          (kind === 'image' ? settings.defaultImageModel : settings.defaultVideoModel),
        prompt: parsed.prompt,
        ...(parsed.duration === undefined ? {} : { duration: parsed.duration }),
        user: `telegram:${chatId}`,
        metadata: {
          telegram_chat_id: String(chatId),
          telegram_user_id: String(context.from?.id ?? ''),
        },
      },
      // The bot waits for the result, so the job is submitted in this process right away.
      { inline: true, access: access.access },
    );
    const progress = await context.reply(progressText(job, this.options.now()));
    this.follower.follow({
      job,
      chatId,
      progressMessageId: progress.message_id,
      access: access.access,
    });
  }
}
