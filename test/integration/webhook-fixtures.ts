// Shared by the notify/webhook tests: one pair of RSA keys per test file (keygen is slow), a mixed-mode key
// store (a platform-certificate serial and a PUB_KEY_ID_), and signed notifications built with core.
import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { createKeyStore } from '../../src/protocol/keys.js';
import { responseMessage } from '../../src/protocol/canonical.js';
import { buildNotification, type BuildNotificationInput } from '../../src/protocol/notification.js';
import { signMessage } from '../../src/protocol/sign.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

export const API_V3_KEY_TEXT = 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4';
export const WRONG_V3_KEY_TEXT = 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6';
export const apiV3Key = createSecretKey(Buffer.from(API_V3_KEY_TEXT));
export const CERT_SERIAL = '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC';
export const PUB_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';

export interface Fixture {
  certKey: { privateKey: KeyObject; publicKey: KeyObject };
  pubKey: { privateKey: KeyObject; publicKey: KeyObject };
  keys: ReturnType<typeof createKeyStore>;
  notify(over?: Partial<BuildNotificationInput> & { serialKind?: 'cert' | 'pubkey' }): {
    headers: Record<string, string>;
    body: string;
    id: string;
  };
  /** Re-signs a changed body with the right key, so only the change under test fails. */
  resign(headers: Record<string, string>, body: string): Record<string, string>;
}

type Pair = { privateKey: KeyObject; publicKey: KeyObject };

/** Fresh keys, or given ones (e.g. a sandbox's: its newest platform certificate and its public key). */
export function makeFixture(given?: {
  certKey: Pair;
  certSerial: string;
  pubKey: Pair;
  pubId: string;
  apiV3Key: KeyObject;
}): Fixture {
  const certKey = given?.certKey ?? nextTestKeyPair();
  const pubKey = given?.pubKey ?? nextTestKeyPair();
  const CERT_SERIAL_ = given?.certSerial ?? CERT_SERIAL;
  const PUB_ID_ = given?.pubId ?? PUB_ID;
  const v3 = given?.apiV3Key ?? apiV3Key;
  const keys = createKeyStore([
    [CERT_SERIAL_, certKey.publicKey],
    [PUB_ID_, pubKey.publicKey],
  ]);
  const keyFor = (serial: string) => (serial === PUB_ID_ ? pubKey.privateKey : certKey.privateKey);
  return {
    certKey,
    pubKey,
    keys,
    notify(over = {}) {
      const kind = over.serialKind ?? 'pubkey';
      const serial = over.serial ?? (kind === 'cert' ? CERT_SERIAL_ : PUB_ID_);
      const id = over.id ?? randomUUID();
      const n = buildNotification({
        eventType: 'TRANSACTION.SUCCESS',
        originalType: 'transaction',
        plaintext: {
          mchid: '1900000001',
          appid: 'wx8888888888888888',
          out_trade_no: `T-${id.slice(0, 8)}`,
          trade_state: 'SUCCESS',
          amount: { total: 100, currency: 'CNY' },
        },
        apiV3Key: v3,
        signingKey: keyFor(serial),
        serial,
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: randomUUID().replace(/-/g, ''),
        resourceNonce: 'a1b2c3d4e5f6',
        id,
        createTime: '2026-11-28T10:00:00+08:00',
        ...over,
      });
      return { headers: n.headers, body: n.body, id };
    },
    resign(headers, body) {
      const serial = headers['Wechatpay-Serial']!;
      return {
        ...headers,
        'Wechatpay-Signature': signMessage(
          keyFor(serial),
          responseMessage(headers['Wechatpay-Timestamp']!, headers['Wechatpay-Nonce']!, body),
        ),
      };
    },
  };
}

/** The failure matrix of issue 5: each case's request and the HTTP status / exit code it must get. */
export function failureMatrix(
  f: Fixture,
): Array<{ name: string; headers: Record<string, string>; body: string; status: number; exit: number; code?: string }> {
  const ok = f.notify();
  const flip = ok.body.replace('"summary":"支付成功"', '"summary":"支付成功!"');
  const sig = ok.headers['Wechatpay-Signature']!;
  const badSig = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
  const stale = f.notify({ timestamp: String(Math.floor(Date.now() / 1000) - 600) });
  const unknown = { ...ok.headers, 'Wechatpay-Serial': 'PUB_KEY_ID_0000000000000000000000000000000099' };
  const aad = ok.body.replace('"associated_data":"transaction"', '"associated_data":"refund"');
  const notJson = 'order=T1&status=SUCCESS';
  const big = f.notify({ summary: 'x'.repeat(2 * 1024 * 1024) });
  return [
    {
      name: 'one body byte changed',
      headers: ok.headers,
      body: flip,
      status: 401,
      exit: 6,
      code: 'VERIFY_BAD_SIGNATURE',
    },
    {
      name: 'signature changed',
      headers: { ...ok.headers, 'Wechatpay-Signature': badSig },
      body: ok.body,
      status: 401,
      exit: 6,
      code: 'VERIFY_BAD_SIGNATURE',
    },
    { name: 'probe signature', ...f.notify({ probe: true }), status: 401, exit: 6, code: 'VERIFY_PROBE' },
    { name: 'stale timestamp', ...stale, status: 401, exit: 6, code: 'VERIFY_TIMESTAMP' },
    { name: 'unknown serial', headers: unknown, body: ok.body, status: 401, exit: 6, code: 'VERIFY_UNKNOWN_SERIAL' },
    {
      name: 'wrong APIv3 key',
      ...f.notify({ apiV3Key: createSecretKey(Buffer.from(WRONG_V3_KEY_TEXT)) }),
      status: 500,
      exit: 7,
      code: 'DECRYPT_FAILED',
    },
    {
      name: 'AAD changed',
      headers: f.resign(ok.headers, aad),
      body: aad,
      status: 500,
      exit: 7,
      code: 'DECRYPT_FAILED',
    },
    {
      name: 'non-JSON',
      headers: f.resign(ok.headers, notJson),
      body: notJson,
      status: 400,
      exit: 6,
      code: 'NOTIFY_NOT_JSON',
    },
    // The offline commands have no size cap: a 2 MiB notification that is signed and sealed correctly decrypts.
    { name: '2 MiB body', headers: big.headers, body: big.body, status: 413, exit: 0 },
  ];
}
