// Offline check of a pasted Flero API key (shape + CRC-32 checksum), for the sign-in password box. Pure: no vscode.
import { hasValidChecksum, parseKeyShape } from '../../../server/src/core/keys';

export function validatePastedKey(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Paste a Flero API key';
  if (/\s/.test(t)) return 'A key has no spaces';
  if (!parseKeyShape(t))
    return 'This does not look like a Flero API key (e.g. flero_sk_ followed by 36 letters and digits)';
  if (!hasValidChecksum(t)) return 'The key’s checksum does not match: a character was mistyped or cut off';
  return undefined;
}
