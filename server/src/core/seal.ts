// AES-256-GCM sealing of small secrets for transport between our own processes (client → language server) and for
// encryption at rest. Format: base64(iv[12] ‖ tag[16] ‖ ciphertext).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function newSealKey(): Buffer {
  return randomBytes(32);
}

export function seal(key: Buffer, plaintext: string, aad?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

/** Throws if the key is wrong or the data was tampered with. */
export function unseal(key: Buffer, sealed: string, aad?: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) throw new Error('sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  if (aad) decipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
