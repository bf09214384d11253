import type { CostAlert, CostAlertNotifier } from '../analytics/cost-alert-evaluator.js';
import type { Logger } from '../observability/logger.js';

/**
 * Cost alerts in Telegram chats (`telegram.alertChatIds`), next to the log line and the signed
 * webhook: one message when a threshold is crossed, one when it is back under. A chat that
 * cannot be reached is logged, never retried in a loop: the alert row and webhook stay the
 * record.
 */
export class TelegramAlertNotifier implements CostAlertNotifier {
  constructor(
    private readonly options: {
      send: (chatId: number, text: string) => Promise<unknown>;
      chatIds: readonly number[];
      logger: Logger;
    },
  ) {}

  async notify(alert: CostAlert): Promise<void> {
    const mark = alert.details.state === 'firing' ? '⚠️' : '✅';
    const text = `${mark} ${alert.message}`;
    for (const chatId of this.options.chatIds) {
      await this.options
        .send(chatId, text)
        .catch((error: unknown) =>
          this.options.logger.warn(
            { chatId, error: (error as Error).message },
            'could not send a cost alert to Telegram',
          ),
        );
    }
  }
}
