import { describe, expect, it } from 'vitest';
import { createSecretRedactor, redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('should remove a configured secret verbatim, URL-encoded and inside Basic auth', () => {
    const secret = 'my+secret/key=42';
    const text = `got ${secret} and ${encodeURIComponent(secret)} and ${Buffer.from(secret).toString('base64')}`;
    const result = redactSecrets(text, [secret], { maxLength: Infinity });
    expect(result).not.toContain(secret);
    expect(result).not.toContain(encodeURIComponent(secret));
    expect(result).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('should remove credential shapes whoever they belong to', () => {
    const cases = [
      'Authorization: Bearer abcdef123456',
      'header Key 1234abcd-5678:efef0011',
      'use sk-proj-ABCDEFGH12345678',
      'token r8_ABCDEFGHIJKL1234',
      'https://api.example.com/v1?api_key=zzzzzzzz&x=1',
      '{"token": "tttttttttt"}',
      'x-api-key: kkkkkkkkkk',
      'postgres://admin:hunter22@db.example.com/x',
      'whsec_AAAAAAAAAAAAAAAA',
    ];
    for (const text of cases) {
      const result = redactSecrets(text, [], { maxLength: Infinity });
      expect(result, text).toContain('[redacted]');
      for (const secret of [
        'abcdef123456',
        '1234abcd-5678',
        'ABCDEFGH12345678',
        'ABCDEFGHIJKL1234',
        'zzzzzzzz',
        'tttttttttt',
        'kkkkkkkkkk',
        'hunter22',
        'AAAAAAAAAAAAAAAA',
      ])
        expect(result).not.toContain(secret);
    }
  });

  it('should hide internal hosts and account ids but keep the provider explanation', () => {
    const result = redactSecrets(
      'upstream 10.2.3.4:8080 (gpu-7.cluster.local) refused account_id=ac_998877 owner ops@corp.example: model busy',
      [],
      { maxLength: Infinity },
    );
    expect(result).not.toMatch(/10\.2\.3\.4|gpu-7|ac_998877|ops@/);
    expect(result).toContain('model busy');
  });

  it('should truncate long text', () => {
    const redact = createSecretRedactor([], { maxLength: 20 });
    expect(redact('x'.repeat(100))).toHaveLength(20);
    expect(redact('short')).toBe('short');
  });
});

describe('redactSecrets on ordinary prose', () => {
  it('should keep words that merely follow an auth scheme name', () => {
    expect(redactSecrets('Key frames must be images')).toBe('Key frames must be images');
  });
});
