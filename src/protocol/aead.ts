// docs/protocol.md §3 and §4: AEAD_AES_256_GCM for certificates and callback resources. Key: the 32-byte APIv3 key;
// IV: the nonce's bytes (12 from WeChat, any length accepted); AAD: associated_data; the last 16 bytes are the tag.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { WxpayError } from './errors.js';

const TAG_BYTES = 16;

/** Refuses anything but exactly 32 bytes: a 16-byte key would silently become AES-128 (the Go SDK's trap). */
export function apiV3KeyFrom(raw: string | Buffer): KeyObject {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  if (bytes.length !== 32) throw apiV3KeyLengthError(bytes.length);
  return createSecretKey(bytes);
}

function apiV3KeyLengthError(length: number): WxpayError {
  return new WxpayError('APIV3_KEY_INVALID', `The APIv3 key is ${length} bytes; it must be exactly 32`, {
    hint: 'Use the 32-character APIv3 key set in 商户平台 → 账户中心 → API安全 (not the APIv2 key). Check for a trailing newline or spaces in the file.',
    details: { length },
  });
}

export interface AeadResource {
  nonce: string;
  associated_data?: string;
  ciphertext: string;
  algorithm?: string;
}

export function aeadOpen(key: KeyObject, resource: AeadResource): Buffer {
  // Parsed JSON: the algorithm may be any value, even an object whose toString would throw inside the message.
  const algorithm: unknown = resource.algorithm;
  if (algorithm !== undefined && algorithm !== 'AEAD_AES_256_GCM') {
    const named = typeof algorithm === 'string' ? algorithm : `of type ${typeof algorithm}`;
    throw new WxpayError('DECRYPT_UNSUPPORTED', `Unsupported algorithm ${named}`, {
      hint: 'APIv3 resources use AEAD_AES_256_GCM; AES-ECB is the APIv2 refund-notify format.',
    });
  }
  // Parsed JSON: its type promises a ciphertext that a hand-made resource may lack.
  const buf = Buffer.from((resource as Partial<AeadResource>).ciphertext ?? '', 'base64');
  if (buf.length < TAG_BYTES) {
    throw new WxpayError(
      'DECRYPT_TRUNCATED',
      `The ciphertext is ${buf.length} bytes, shorter than the 16-byte GCM tag`,
      {
        hint: 'The ciphertext was truncated or is not base64; copy the whole resource.ciphertext value.',
      },
    );
  }
  if (key.symmetricKeySize !== 32) throw apiV3KeyLengthError(key.symmetricKeySize ?? 0);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
    return Buffer.concat([decipher.update(buf.subarray(0, buf.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new WxpayError('DECRYPT_FAILED', 'AES-256-GCM authentication failed: the tag does not match', {
      cause,
      hint: "Usually a wrong APIv3 key (check the profile's apiV3Key); otherwise the nonce or associated_data was changed, or the ciphertext was altered.",
    });
  }
}

export function aeadSeal(key: KeyObject, nonce: string, associatedData: string, plaintext: string | Buffer): string {
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const out = Buffer.concat([cipher.update(Buffer.from(plaintext)), cipher.final(), cipher.getAuthTag()]);
  return out.toString('base64');
}
