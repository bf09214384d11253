import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../test/helpers/migrated-database.js';
import { SsrfGuard } from '../security/ssrf-guard.js';
import { AlertSink } from './alert-sink.js';
import { createLogger } from './logger.js';

describe('AlertSink', () => {
  let opened: Awaited<ReturnType<typeof openMigratedDatabase>>;
  beforeAll(async () => {
    opened = await openMigratedDatabase('pglite');
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('should store an alert, and still log it and resolve when the row cannot be stored', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const sink = new AlertSink({
      database: opened.database,
      logger,
      guard: new SsrfGuard({}),
      secret: () => 'whsec_test',
    });
    const alert = { type: 'circuit_opened', severity: 'warning' as const, message: 'fal opened' };
    const stored = await sink.raise(alert);
    expect((await sink.recent(5)).map((row) => row.id)).toEqual([stored]);

    // The database refuses the row (here: its table is gone): a circuit opening during a
    // database outage raises its alert without waiting, so a rejection would be unhandled.
    await opened.database.query('DROP TABLE alerts');
    await expect(sink.raise({ ...alert, message: 'runware opened' })).resolves.toMatch(/^alert_/);
    const logged = lines.join('');
    expect(logged).toContain('ALERT runware opened');
    expect(logged).toContain('could not store the alert');
  });
});
