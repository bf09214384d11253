import { DatabaseFullError } from '../core/errors/index.js';

/** How long after the last failed write `/readyz` keeps saying the database is full. */
const fullForMs = 10_000;

/**
 * Remembers when a statement last failed for want of disk. `SELECT 1` still answers on a full
 * disk, so without this `/readyz` would call an instance that cannot store a job ready. A window,
 * not a latch: an instance taken out of rotation gets no writes that could clear a latch.
 */
export class DiskFullSignal {
  private lastFullAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes `error` if it is a full disk; returns it unchanged, for `throw signal.note(error)`. */
  note(error: unknown): unknown {
    if (error instanceof DatabaseFullError) this.lastFullAt = this.now();
    return error;
  }

  /** Whether a write failed for want of disk within the last few seconds. */
  recentlyFull(): boolean {
    return this.now() - this.lastFullAt < fullForMs;
  }
}
