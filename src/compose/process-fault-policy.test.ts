import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { installProcessFaultPolicy } from './process-fault-policy.js';

function setUp() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  const target = new EventEmitter();
  const shutdowns: string[] = [];
  installProcessFaultPolicy({
    logger: createLogger('info', destination),
    shutdown: (reason) => shutdowns.push(reason),
    target: target as unknown as Pick<NodeJS.Process, 'on'>,
  });
  return { lines, target, shutdowns };
}

const terminated = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});

describe('installProcessFaultPolicy', () => {
  it('should keep serving on a transient database error, rejected or thrown', () => {
    const { lines, target, shutdowns } = setUp();
    target.emit('unhandledRejection', terminated);
    target.emit('uncaughtException', new Error('Connection terminated unexpectedly'));
    expect(shutdowns).toEqual([]);
    expect(lines.map((line) => line.level)).toEqual([40, 40]);
  });

  it('should log any other unhandled rejection and keep serving', () => {
    const { lines, target, shutdowns } = setUp();
    target.emit('unhandledRejection', new TypeError('x is undefined'));
    expect(shutdowns).toEqual([]);
    expect(lines[0]?.level).toBe(50);
  });

  it('should shut down on any other uncaught exception', () => {
    const { lines, target, shutdowns } = setUp();
    target.emit('uncaughtException', new TypeError('x is undefined'));
    expect(shutdowns).toEqual(['uncaughtException']);
    expect(lines[0]?.level).toBe(60);
  });
});
