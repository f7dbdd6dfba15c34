// docs/protocol.md §7: sensitive fields use RSA-OAEP with SHA-1, MGF1-SHA-1 and an empty label, then base64.
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;

export function oaepEncrypt(publicKey: KeyObject, plaintext: string): string {
  return publicEncrypt({ key: publicKey, ...OAEP }, Buffer.from(plaintext, 'utf8')).toString('base64');
}

export function oaepDecrypt(privateKey: KeyObject, ciphertextB64: string): string {
  try {
    return privateDecrypt({ key: privateKey, ...OAEP }, Buffer.from(ciphertextB64, 'base64')).toString('utf8');
  } catch (cause) {
    throw new WxpayError('DECRYPT_FAILED', 'RSA-OAEP decryption failed', {
      cause,
      hint: "The field must be encrypted to this merchant's API certificate with OAEP-SHA1; OAEP-SHA256 or PKCS#1 v1.5 will not decrypt.",
    });
  }
}
