import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from './parse-webhook-body.js';

const Schema = z.object({ id: z.string() });
const body = (text: string) => Buffer.from(text, 'utf8');

describe('parseWebhookBody', () => {
  it('should parse a body of the schema', () => {
    expect(parseWebhookBody('acme', body('{"id":"a"}'), Schema)).toEqual({ id: 'a' });
  });

  it('should refuse a body that is not JSON or not of the shape as provider_bad_response', () => {
    expect(() => parseWebhookBody('acme', body('{'), Schema)).toThrow(/unexpected shape/);
    expect(() => parseWebhookBody('acme', body('{"id":1}'), Schema)).toThrow(/unexpected shape/);
  });

  it("should throw the provider's own error when it gives one", () => {
    const reasons: string[] = [];
    const onInvalid = (failure: { reason: string }) => {
      reasons.push(failure.reason);
      return new Error(failure.reason);
    };
    expect(() => parseWebhookBody('acme', body('not json'), Schema, onInvalid)).toThrow('not_json');
    expect(() => parseWebhookBody('acme', body('[]'), Schema, onInvalid)).toThrow('invalid_shape');
    expect(reasons).toEqual(['not_json', 'invalid_shape']);
  });
});
