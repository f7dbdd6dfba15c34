// docs/protocol.md §2 and §9: the two kinds of `Wechatpay-Serial`. A WeChat Pay public key has an id
// `PUB_KEY_ID_` + digits; a platform certificate has a hex serial, kept as whole-byte upper-case hex. Every check of
// which kind a serial is goes through here.
import { randomInt } from 'node:crypto';

export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

/** True for a WeChat Pay public key id (`PUB_KEY_ID_…`), false for a platform-certificate serial. */
export const isPublicKeyId = (serial: string): boolean => serial.startsWith(PUBLIC_KEY_ID_PREFIX);

/** Which key a serial names; `unknown` for a value that is neither form. */
export const serialKind = (serial: string): 'public-key' | 'platform-certificate' | 'unknown' =>
  isPublicKeyId(serial) ? 'public-key' : /^[0-9A-Fa-f]+$/.test(serial) ? 'platform-certificate' : 'unknown';

/** Whole-byte upper-case hex, as `openssl x509 -serial` prints it (Java's BigInteger drops a leading zero). */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  return hex.length % 2 === 1 ? `0${hex}` : hex;
}

/** A random public key id of the real shape (`PUB_KEY_ID_` + 34 digits), for the sandbox. */
export const newPublicKeyId = (): string => `${PUBLIC_KEY_ID_PREFIX}${randomDigits(34)}`;

/** n random decimal digits (uniform: randomInt, never a byte modulo 10). */
export const randomDigits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('');
