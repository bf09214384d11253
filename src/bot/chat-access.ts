import type { TelegramConfig } from '../config/telegram-config-schema.js';
import type { Access, Tenant } from '../core/tenancy.js';

/** Who a message's sender is to the gateway, or why the bot will not serve them. */
export type ChatAccess =
  | {
      status: 'allowed';
      /** The tenant the chat is mapped to; absent for an operator on `allowedUserIds`. */
      tenant?: Tenant;
      /** Passed to the job service: jobs run as the tenant, its quota and budgets apply. */
      access?: Access;
    }
  | { status: 'refused'; message: string };

export interface ChatAccessOptions {
  settings: Pick<TelegramConfig, 'allowedUserIds' | 'chats'>;
  /** A tenant by name or id (the tenants table, read on every command so renames apply). */
  findTenant(nameOrId: string): Promise<Tenant | undefined>;
}

/**
 * Decides per message: a chat mapped in `telegram.chats` runs as its tenant, whoever writes in
 * it; otherwise the sender must be on `telegram.allowedUserIds`. Nobody else is served.
 */
export async function resolveChatAccess(
  options: ChatAccessOptions,
  chatId: number,
  userId: number | undefined,
): Promise<ChatAccess> {
  const tenantName = options.settings.chats[String(chatId)];
  if (tenantName !== undefined) {
    const tenant = await options.findTenant(tenantName);
    if (!tenant) {
      return {
        status: 'refused',
        message: `This chat is set up for tenant '${tenantName}', which does not exist (yet). Please ask the operator.`,
      };
    }
    return {
      status: 'allowed',
      tenant,
      access: { tenantId: tenant.id, group: tenant.group, apiKeyId: `telegram:${chatId}` },
    };
  }
  if (userId !== undefined && options.settings.allowedUserIds.includes(userId)) {
    return { status: 'allowed' };
  }
  return {
    status: 'refused',
    message: `Sorry, this bot is private. If you should have access, ask the operator to add your Telegram user id ${userId ?? '(unknown)'} (or this chat, ${chatId}).`,
  };
}
