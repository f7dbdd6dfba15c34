// docs/protocol.md §7: sensitive request fields (a payee's name, a bank account) are encrypted with RSA-OAEP-SHA1 to
// WeChat Pay's key, and the request names that key in `Wechatpay-Serial`. This module picks the key and encrypts; it
// does no I/O (api/sensitive.ts fetches the platform certificates when none is known yet). Fields in ANSWERS (a
// complaint's payer_phone) are the reverse: ciphertext for the MERCHANT's key, opened with its private key.
import type { KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';
import type { KeyStore } from './keys.js';
import { oaepDecrypt, oaepEncrypt } from './oaep.js';
import { isPublicKeyId } from './serials.js';

/** WeChat Pay's key a sensitive field is encrypted to, and the serial the request must name. */
export interface EncryptionKey {
  /** A platform certificate's hex serial, or `PUB_KEY_ID_…`. */
  serial: string;
  publicKey: KeyObject;
}

/** A platform certificate with the date it came into force (the /v3/certificates list gives it). */
export interface DatedKey extends EncryptionKey {
  validFrom: Date;
}

/** RSA-2048 with OAEP-SHA1 holds at most 256 - 2·20 - 2 bytes of plaintext. */
export const MAX_SENSITIVE_BYTES = 214;

/**
 * Which key to encrypt to. The WeChat Pay public key when the profile has one: WeChat Pay's own guidance for merchants
 * that have it, and the client already names it in every request. Otherwise the newest platform certificate: from
 * `fetched` (dated) when given, else the last certificate in the store. Undefined when there is none.
 */
export function chooseEncryptionKey(keys: KeyStore, fetched: readonly DatedKey[] = []): EncryptionKey | undefined {
  const entries = [...keys.entries()];
  const pub = entries.find(([serial]) => isPublicKeyId(serial));
  if (pub) return { serial: pub[0], publicKey: pub[1] };
  const newest = [...fetched].sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime()).at(-1);
  if (newest) return { serial: newest.serial, publicKey: newest.publicKey };
  const last = entries.at(-1);
  return last ? { serial: last[0], publicKey: last[1] } : undefined;
}

/** The request headers that go with fields encrypted to `key`. */
export const sensitiveHeaders = (key: EncryptionKey): Record<string, string> => ({ 'Wechatpay-Serial': key.serial });

/** Encrypts one field's plaintext (UTF-8) to `key`; base64 out. `name` only labels the error. */
export function encryptSensitive(key: EncryptionKey, plaintext: string, name = 'field'): string {
  const bytes = Buffer.byteLength(plaintext, 'utf8');
  if (bytes > MAX_SENSITIVE_BYTES) {
    throw new WxpayError('USAGE', `The ${name} is ${bytes} bytes; an encrypted field holds at most 214`, {
      hint: 'RSA-2048 with OAEP-SHA1 fits 214 bytes of UTF-8 (about 71 Chinese characters).',
    });
  }
  return oaepEncrypt(key.publicKey, plaintext);
}

/**
 * Encrypts every defined entry of `fields` to `key` and returns them with the header to send; undefined entries are
 * left out, and with none left no header is needed.
 */
export function encryptFields<K extends string>(
  key: EncryptionKey,
  fields: Partial<Record<K, string | undefined>>,
): { fields: Partial<Record<K, string>>; headers: Record<string, string> } {
  const out: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(fields) as Array<[K, string | undefined]>) {
    if (value !== undefined) out[name] = encryptSensitive(key, value, name);
  }
  return { fields: out, headers: Object.keys(out).length ? sensitiveHeaders(key) : {} };
}

/** Decrypts one answer field with the merchant private key; `name` labels the error. */
export function decryptSensitiveField(privateKey: KeyObject, ciphertext: string, name = 'field'): string {
  try {
    return oaepDecrypt(privateKey, ciphertext);
  } catch (cause) {
    throw new WxpayError('DECRYPT_FAILED', `The ${name} does not decrypt with the merchant private key`, {
      cause,
      hint: "WeChat Pay encrypts it to the merchant API certificate of the profile: check that privateKeyPath is that certificate's key (`wxpay config check`).",
    });
  }
}
