// docs/protocol.md §7: sensitive fields in ANSWERS (a complaint's payer_phone) are RSA-OAEP-SHA1 ciphertext for the
// MERCHANT's key, the reverse of the request fields; they open with the merchant private key. Pure, no I/O.
import type { KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';
import { oaepDecrypt } from './oaep.js';

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
