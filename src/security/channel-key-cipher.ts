import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const version = 'v1';
/** HKDF context: a key derived for channel credentials is useless for anything else. */
const info = 'switchyard channel keys v1';

/**
 * Encrypts channel credentials at rest with AES-256-GCM under a key derived (HKDF-SHA256)
 * from `SWITCHYARD_SECRET_KEY`. A sealed value is `v1:<iv>:<tag>:<ciphertext>` (base64url);
 * a value sealed under another secret, or altered, fails to open instead of yielding garbage.
 */
export class ChannelKeyCipher {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'switchyard', info, 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url'));
    return [version, ...parts].join(':');
  }

  /** The plaintext; throws when the value was sealed under another secret or altered. */
  open(sealed: string): string {
    const [tag, iv, authTag, data] = sealed.split(':');
    if (tag !== version || !iv || !authTag || data === undefined)
      throw new Error('not a sealed channel key');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  }
}
