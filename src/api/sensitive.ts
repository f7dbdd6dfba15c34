// docs/protocol.md §7 for the client: answer fields encrypted for this merchant (a complaint's payer_phone) opened with
// the client's own merchant private key.
import type { WxpayClient } from '../http/client.js';
import { decryptSensitiveField } from '../protocol/sensitive.js';

/** The plaintext of each defined entry of `fields`; undefined entries are left out. */
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
