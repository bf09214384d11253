import type { CostAlertNotifier } from '../analytics/cost-alert-evaluator.js';
import { TelegramAlertNotifier } from '../bot/telegram-alert-notifier.js';
import { TelegramBot } from '../bot/telegram-bot.js';
import type { Config } from '../config/config-schema.js';
import { ConfigError } from '../config/load-config.js';
import type { JobService } from '../jobs/job-service.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderInstances } from '../providers/provider-instances.js';
import { TenantRepository } from '../store/repositories/tenant-repository.js';
import type { Service } from './lifecycle.js';
import type { StoreLayer } from './compose-store.js';

/**
 * The Telegram bot when `TELEGRAM_BOT_TOKEN` is set, as a lifecycle service: it starts after
 * the workers (its jobs are submitted inline) and stops before them. Absent token: nothing.
 */
export function composeBot(
  config: Config,
  layers: { store: StoreLayer; jobs: JobService; instances: ProviderInstances },
  options: { logger: Logger; now: () => number; shutdown: AbortSignal },
): { bot: TelegramBot | undefined; service: Service; alertNotifier?: CostAlertNotifier } {
  const { botToken } = config.telegram;
  if (!botToken) return { bot: undefined, service: {} };
  const logger = options.logger.child({ component: 'telegram' });
  const { allowedUserIds, chats } = config.telegram;
  if (allowedUserIds.length === 0 && Object.keys(chats).length === 0) {
    logger.warn(
      'telegram bot has no telegram.allowedUserIds and no telegram.chats: it refuses everyone',
    );
  }
  if (config.telegram.mode === 'webhook' && !config.publicUrl) {
    throw new ConfigError(
      'Invalid configuration:\n  telegram.mode: webhook needs SWITCHYARD_PUBLIC_URL (publicUrl), the HTTPS address Telegram calls',
    );
  }
  const tenants = new TenantRepository(layers.store.apiDatabase);
  const bot = new TelegramBot({
    settings: { ...config.telegram, botToken },
    publicUrl: config.publicUrl,
    jobs: layers.jobs,
    assets: layers.store.assets,
    instances: layers.instances,
    findTenant: (nameOrId) => tenants.find(nameOrId),
    logger,
    now: options.now,
    shutdown: options.shutdown,
  });
  const { alertChatIds } = config.telegram;
  const alertNotifier = alertChatIds.length
    ? new TelegramAlertNotifier({
        send: (chatId, text) => bot.sendText(chatId, text),
        chatIds: alertChatIds,
        logger,
      })
    : undefined;
  return { bot, service: bot, alertNotifier };
}
