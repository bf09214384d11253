import type { Logger } from '../observability/logger.js';
import { isTransientDatabaseError } from '../store/is-transient-database-error.js';

export interface ProcessFaultPolicyOptions {
  logger: Logger;
  /** Stops the gateway cleanly (then the process exits 1 for its supervisor). */
  shutdown: (reason: string) => void;
  /** The process object to install on (tests pass an EventEmitter). */
  target?: Pick<NodeJS.Process, 'on'>;
}

/**
 * What the process does with an error nobody caught (docs/adr/0008-process-fault-policy.md):
 *
 * - a **known-transient database error** (connection terminated, refused, reset; SQLSTATE 08…,
 *   57P01–57P03), whether an unhandled rejection or an uncaught exception: logged at `warn`,
 *   and the gateway keeps serving. Every accepted job is in the database and every piece of
 *   queue work is leased, so work that failed this way is retried when the database is back;
 *   dying would turn a routine failover into an outage that needs a person.
 * - any **other unhandled rejection**: logged at `error` with its stack, and the gateway keeps
 *   serving: a promise nobody awaited failed, which is a bug to fix but not corruption.
 * - any **other uncaught exception**: logged at `fatal`, then a clean shutdown and exit 1, since
 *   the stack that threw was unwound half-way and state may be inconsistent.
 */
export function installProcessFaultPolicy(options: ProcessFaultPolicyOptions): void {
  const { logger, shutdown } = options;
  const target = options.target ?? process;
  const describe = (error: unknown) =>
    error instanceof Error
      ? { error: error.message, code: (error as { code?: unknown }).code, stack: error.stack }
      : { error: String(error) };

  target.on('unhandledRejection', (reason: unknown) => {
    if (isTransientDatabaseError(reason)) {
      logger.warn(describe(reason), 'database unavailable (unhandled rejection); still serving');
      return;
    }
    logger.error(describe(reason), 'unhandled promise rejection; still serving');
  });
  target.on('uncaughtException', (error: Error) => {
    if (isTransientDatabaseError(error)) {
      logger.warn(describe(error), 'database unavailable (uncaught exception); still serving');
      return;
    }
    logger.fatal(describe(error), 'uncaught exception; shutting down');
    shutdown('uncaughtException');
  });
}
