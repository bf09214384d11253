import { describe, expect, it } from 'vitest';
import { DatabaseFullError, DatabaseUnavailableError } from '../core/errors/index.js';
import { asDatabaseError, isTransientDatabaseError } from './is-transient-database-error.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it('should recognise a terminated backend, a refused socket and pg connection failures', () => {
    expect(isTransientDatabaseError(withCode('57P01'))).toBe(true);
    expect(isTransientDatabaseError(withCode('08006'))).toBe(true);
    expect(isTransientDatabaseError(withCode('ECONNREFUSED'))).toBe(true);
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isTransientDatabaseError(new AggregateError([withCode('ECONNREFUSED')], 'connect failed')),
    ).toBe(true);
    expect(isTransientDatabaseError(new Error('wrapped', { cause: withCode('57P01') }))).toBe(true);
  });

  it('should leave statement errors alone', () => {
    expect(isTransientDatabaseError(withCode('23505', 'duplicate key'))).toBe(false);
    expect(isTransientDatabaseError(withCode('42P01', 'relation does not exist'))).toBe(false);
    expect(isTransientDatabaseError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientDatabaseError('57P01')).toBe(false);
  });

  it('should map only transient errors to the retryable 503', () => {
    const mapped = asDatabaseError(withCode('57P01'));
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    expect((mapped as DatabaseUnavailableError).httpStatus).toBe(503);
    const duplicate = withCode('23505');
    expect(asDatabaseError(duplicate)).toBe(duplicate);
  });
});

describe('asDatabaseError on a full disk', () => {
  it('should map SQLSTATE 53100 to the retryable 507 storage_full', () => {
    const mapped = asDatabaseError(withCode('53100', 'could not extend file "base/5/16394"'));
    expect(mapped).toBeInstanceOf(DatabaseFullError);
    expect(mapped).toMatchObject({ code: 'storage_full', httpStatus: 507, isRetryable: true });
  });
});
