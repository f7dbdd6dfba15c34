// docs/protocol.md §7 for the client: the key a sensitive field is encrypted to, in both key modes. With a WeChat Pay
// public key (PUB_KEY_ID_…) or a platform certificate on disk the choice is local; with neither, the platform
// certificates are fetched once through GET /v3/certificates (which needs the APIv3 key) and the newest is used.
// Answer fields encrypted for this merchant (a complaint's payer_phone) open with the client's own private key.
import type { WxpayClient } from '../http/client.js';
import { WxpayError } from '../protocol/errors.js';
import {
  chooseEncryptionKey,
  decryptSensitiveField,
  encryptFields,
  type EncryptionKey,
} from '../protocol/sensitive.js';
import { downloadCertificates } from './certificates.js';

export type { EncryptionKey };

/** The key to encrypt sensitive fields to for this client's merchant, and (in it) the Wechatpay-Serial to send. */
export async function encryptionKeyFor(client: WxpayClient): Promise<EncryptionKey> {
  const local = chooseEncryptionKey(client.keys());
  if (local) return local;
  const fetched = chooseEncryptionKey(new Map(), await downloadCertificates(client));
  if (fetched) return fetched;
  throw new WxpayError('CONFIG_INVALID', 'No WeChat Pay key to encrypt a sensitive field to', {
    hint: 'Configure publicKeyId and publicKeyPath (the WeChat Pay public key), or platformCertDir (run `wxpay certs download`).',
  });
}

/**
 * The one call a command needs: encrypts the defined `fields` for this client and returns them with the headers to
 * merge into the request (`Wechatpay-Serial`). Nothing is looked up when every field is undefined.
 */
export async function encryptForClient<K extends string>(
  client: WxpayClient,
  fields: Partial<Record<K, string | undefined>>,
): Promise<{ fields: Partial<Record<K, string>>; headers: Record<string, string> }> {
  if (Object.values(fields).every((v) => v === undefined)) return { fields: {}, headers: {} };
  return encryptFields(await encryptionKeyFor(client), fields);
}

/** The reverse, for answers: the plaintext of each defined entry of `fields`, opened with the merchant private key. */
export function decryptForClient<K extends string>(
  client: WxpayClient,
  fields: Partial<Record<K, string | undefined>>,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(fields) as Array<[K, string | undefined]>) {
    if (value !== undefined && value !== '') out[name] = decryptSensitiveField(client.merchant.privateKey, value, name);
  }
  return out;
}
