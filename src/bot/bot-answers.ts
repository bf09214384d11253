import type { Context } from 'grammy';
import type { Tenant } from '../core/tenancy.js';
import type { JobService } from '../jobs/job-service.js';
import { describeFailure, statusLine } from './bot-messages.js';
import type { ChatAccess } from './chat-access.js';

type AllowedAccess = Extract<ChatAccess, { status: 'allowed' }>;

function usd(amount: number): string {
  return `$${amount.toFixed(amount < 1 ? 4 : 2)}`;
}

/** `/status`: one job by id, or this chat's five newest. */
export async function statusText(
  jobs: Pick<JobService, 'get' | 'list'>,
  context: Context,
  access: AllowedAccess,
): Promise<string> {
  const id = typeof context.match === 'string' ? context.match.trim() : '';
  if (id) {
    const job = await jobs.get(id, access.access);
    const lines = [statusLine(job)];
    if (job.error) lines.push(describeFailure(job.error));
    if (job.cost.actualUsd !== null) lines.push(`Cost: ${usd(job.cost.actualUsd)}`);
    return lines.join('\n');
  }
  const page = await jobs.list({ user: `telegram:${context.chat!.id}`, limit: 5 }, access.access);
  if (page.jobs.length === 0) return 'No jobs from this chat yet. Try /image a red balloon';
  return ['Your latest jobs:', ...page.jobs.map(statusLine)].join('\n');
}

/** `/balance`: the tenant's balance, holds and budgets; an operator's chat is not metered. */
export function balanceText(tenant: Tenant | undefined): string {
  if (!tenant) return 'This chat is not metered: it runs with operator access, no balance applies.';
  const lines = [`Tenant ${tenant.name}`];
  if (tenant.balanceUsd === null) lines.push('Balance: unlimited');
  else {
    lines.push(`Balance: ${usd(tenant.balanceUsd - tenant.reservedUsd)} available`);
    if (tenant.reservedUsd > 0) lines.push(`(${usd(tenant.reservedUsd)} held by running jobs)`);
  }
  const { day, month } = tenant.budgets;
  if (day.hardUsd !== null) lines.push(`Daily limit: ${usd(day.hardUsd)}`);
  if (month.hardUsd !== null) lines.push(`Monthly limit: ${usd(month.hardUsd)}`);
  return lines.join('\n');
}
