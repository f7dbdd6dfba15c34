// A tiny fake WeChat Pay for client unit tests over undici's MockAgent: signs responses with a generated
// platform key, records each request (headers and exact body bytes) so tests can check what was signed.
import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import { MockAgent } from 'undici';
import { aeadSeal, apiV3KeyFrom } from '../../src/protocol/aead.js';
import { parseAuthorization, requestMessage, responseMessage } from '../../src/protocol/canonical.js';
import { createClient, type WxpayClientOptions } from '../../src/http/client.js';
import { DEFAULT_BASE_URL } from '../../src/protocol/hosts.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { signMessage } from '../../src/protocol/sign.js';
import { keySet, type KeySet } from '../helpers/fixtures.js';
import { trackSecret } from '../helpers/secrets.js';

export const NOW_MS = Date.UTC(2026, 0, 15, 4, 0, 0);
export const NOW_S = String(NOW_MS / 1000);
export const API_V3 = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
export const PUB_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';

export interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function signedHeaders(
  platform: KeySet,
  body: string,
  serial = platform.serial,
  ts = NOW_S,
): Record<string, string> {
  const nonce = 'd824f2e086d3c1df967785d13fcd22ef';
  return {
    'content-type': 'application/json',
    'request-id': '08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0',
    'wechatpay-timestamp': ts,
    'wechatpay-nonce': nonce,
    'wechatpay-serial': serial,
    'wechatpay-signature': signMessage(platform.privateKey, responseMessage(ts, nonce, body)),
  };
}

export function setup() {
  trackSecret('client test APIv3 key', API_V3);
  const merchant = keySet('merchant');
  const platform = keySet('platform');
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Seen[] = [];
  const record = (opts: { method: string; path: string; headers?: unknown; body?: unknown }) => {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries((opts.headers ?? {}) as Record<string, string>)) h[k.toLowerCase()] = String(v);
    seen.push({
      method: opts.method,
      path: opts.path,
      headers: h,
      body: opts.body === undefined || opts.body === null ? '' : String(opts.body),
    });
  };
  const mkClient = (extra: Partial<WxpayClientOptions> = {}) =>
    createClient({
      baseUrl: DEFAULT_BASE_URL,
      merchant: { mchid: '1900007291', serialNo: merchant.serial, privateKey: merchant.privateKey },
      keys: createKeyStore([[platform.serial, platform.publicKey]]),
      dispatcher: agent,
      now: () => NOW_MS,
      sleep: async () => {},
      userAgent: 'wxpay/0.1.0 (linux) Node/20.0.0',
      ...extra,
    });
  /** Reply with a JSON body signed by `by` (default: the platform key). */
  const reply =
    (status: number, body: unknown, by: KeySet | null = platform, serial?: string) =>
    (opts: { method: string; path: string; headers?: unknown; body?: unknown }) => {
      record(opts);
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      return {
        statusCode: status,
        data: text,
        responseOptions: { headers: by ? signedHeaders(by, text, serial ?? by.serial) : { 'request-id': 'REQ-1' } },
      };
    };
  /** True when the Authorization signature covers exactly the recorded method, path and body bytes. */
  const signatureCoversBody = (s: Seen): boolean => {
    const a = parseAuthorization(s.headers.authorization!);
    const msg = requestMessage(s.method, s.path, a.timestamp, a.nonce_str, s.body);
    return rsaVerify('sha256', msg, createPublicKey(merchant.publicKeyPem), Buffer.from(a.signature, 'base64'));
  };
  /** A /v3/certificates body holding `certs`, encrypted with the APIv3 key. */
  const certList = (certs: KeySet[]) => ({
    data: certs.map((c, i) => ({
      serial_no: c.serial,
      effective_time: '2024-01-01T00:00:00+08:00',
      expire_time: '2036-01-01T00:00:00+08:00',
      encrypt_certificate: {
        algorithm: 'AEAD_AES_256_GCM',
        nonce: `nonce${i}abcdef`.slice(0, 12),
        associated_data: 'certificate',
        ciphertext: aeadSeal(apiV3KeyFrom(API_V3), `nonce${i}abcdef`.slice(0, 12), 'certificate', c.certPem),
      },
    })),
  });
  return {
    merchant,
    platform,
    agent,
    seen,
    mkClient,
    reply,
    signatureCoversBody,
    certList,
    pool: agent.get(DEFAULT_BASE_URL),
  };
}
