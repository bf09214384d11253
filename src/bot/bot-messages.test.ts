import { describe, expect, it } from 'vitest';
import { describeFailure, formatElapsed } from './bot-messages.js';

describe('bot messages', () => {
  it('should put a known error code in plain words and keep the gateway message', () => {
    expect(
      describeFailure({ code: 'insufficient_quota', message: 'The estimate of 0.002 USD …' }),
    ).toBe(
      "Sorry, that did not work: this chat's balance does not cover it.\n(The estimate of 0.002 USD …)",
    );
  });

  it('should fall back to the message for an unknown code', () => {
    expect(describeFailure({ code: 'something_new', message: 'It broke.' })).toBe(
      'Sorry, that did not work: It broke.',
    );
  });

  it('should format elapsed time for people', () => {
    expect(formatElapsed(1234)).toBe('1.2s');
    expect(formatElapsed(42_000)).toBe('42s');
    expect(formatElapsed(125_000)).toBe('2m 5s');
    expect(formatElapsed(-5)).toBe('0.0s');
  });
});
