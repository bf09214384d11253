// The timers module's own setImmediate: a test's fake clock must not hold a write back.
import { setImmediate } from 'node:timers';
import { isTransientDatabaseError } from './is-transient-database-error.js';

interface Pending<Input, Output> {
  input: Input;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for one kind of write: while one write is in flight, the inputs that arrive
 * queue up and go together in the next, so one round trip and one commit (one WAL flush) serve
 * everyone who arrived meanwhile. Each caller still hears of its input only after its write
 * committed. `write` answers one output per input, in order.
 */
export class GroupCommit<Input, Output> {
  private pending: Pending<Input, Output>[] = [];
  private writing = false;

  constructor(
    private readonly write: (inputs: readonly Input[]) => Promise<readonly Output[]>,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves with the input's output once its batch committed. */
  submit(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // The first write waits for the end of this turn of the event loop, so that every input
      // that arrived with this one (the other requests read in the same I/O phase) joins it.
      // Without it an embedded PGlite, whose statements run on this thread, wrote one row per
      // statement: nothing else could arrive while a write ran (ADR 0027).
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          this.settle(batch, await this.write(batch.map((entry) => entry.input)));
        } catch (error) {
          // A lost connection may have lost only the commit's answer: writing the same inputs
          // again could then find them written and report them as refused (a conditional
          // update that matches nothing). Everyone hears the error instead, as each would have
          // from a write of its own. Any other error rolled the batch back: one bad row must not
          // fail its neighbours, so they are retried one by one.
          if (batch.length === 1 || isTransientDatabaseError(error)) {
            for (const entry of batch) entry.reject(error);
            continue;
          }
          for (const entry of batch) {
            try {
              this.settle([entry], await this.write([entry.input]));
            } catch (single) {
              entry.reject(single);
            }
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private settle(entries: readonly Pending<Input, Output>[], outputs: readonly Output[]): void {
    entries.forEach((entry, index) => {
      if (index < outputs.length) entry.resolve(outputs[index] as Output);
      else entry.reject(new Error('group commit: the write answered fewer outputs than inputs'));
    });
  }
}
