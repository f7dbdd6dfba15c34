// buildNotification / verifyAndDecrypt: the round trip, and each typed failure of the receiver.
import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildNotification, verifyAndDecrypt } from '../../src/protocol/notification.js';
import { createKeyStore } from '../../src/protocol/keys.js';
import { signMessage } from '../../src/protocol/sign.js';
import { responseMessage } from '../../src/protocol/canonical.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';

const { privateKey, publicKey } = nextTestKeyPair();
const apiV3Key = createSecretKey(Buffer.from('0123456789abcdef0123456789abcdef'));
const serial = 'PUB_KEY_ID_0000000000000024101100397200000006';
const keys = createKeyStore([[serial, publicKey]]);
const NOW = 1_700_000_000;
const plaintext = { mchid: '1900000001', out_trade_no: 'T1', trade_state: 'SUCCESS', amount: { total: 100 } };
const base = {
  eventType: 'TRANSACTION.SUCCESS',
  originalType: 'transaction' as const,
  plaintext,
  apiV3Key,
  signingKey: privateKey,
  serial,
  timestamp: String(NOW),
  nonce: 'N1',
  resourceNonce: 'abcdefghijkl',
  id: 'EV-1',
  createTime: '2026-01-01T00:00:00+08:00',
};
const resign = (body: string, headers: Record<string, string>) => ({
  ...headers,
  'Wechatpay-Signature': signMessage(
    privateKey,
    responseMessage(headers['Wechatpay-Timestamp']!, headers['Wechatpay-Nonce']!, body),
  ),
});

describe('notification build/verify', () => {
  it('round-trips and exposes the headers WeChat Pay sends', () => {
    const n = buildNotification(base);
    expect(Object.keys(n.headers).sort()).toEqual([
      'Content-Type',
      'Request-ID',
      'Wechatpay-Nonce',
      'Wechatpay-Serial',
      'Wechatpay-Signature',
      'Wechatpay-Signature-Type',
      'Wechatpay-Timestamp',
    ]);
    expect(n.event).toMatchObject({
      id: 'EV-1',
      resource_type: 'encrypt-resource',
      summary: '支付成功',
      resource: { associated_data: 'transaction', algorithm: 'AEAD_AES_256_GCM' },
    });
    const r = verifyAndDecrypt({ headers: n.headers, rawBody: Buffer.from(n.body), keys, apiV3Key, now: NOW + 10 });
    expect(r.resource).toEqual(plaintext);
    expect(r.verification.skew).toBe(10);
  });
  it('rejects a probe, a changed byte, a stale timestamp and an unknown serial', () => {
    const probe = buildNotification({ ...base, probe: true });
    expect(() => verifyAndDecrypt({ headers: probe.headers, rawBody: probe.body, keys, apiV3Key, now: NOW })).toThrow(
      expect.objectContaining({ code: 'VERIFY_PROBE' }),
    );
    const n = buildNotification(base);
    const changed = n.body.replace('EV-1', 'EV-2');
    expect(() => verifyAndDecrypt({ headers: n.headers, rawBody: changed, keys, apiV3Key, now: NOW })).toThrow(
      expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }),
    );
    expect(() => verifyAndDecrypt({ headers: n.headers, rawBody: n.body, keys, apiV3Key, now: NOW + 300 })).toThrow(
      expect.objectContaining({ code: 'VERIFY_TIMESTAMP' }),
    );
    expect(() =>
      verifyAndDecrypt({ headers: n.headers, rawBody: n.body, keys: createKeyStore([]), apiV3Key, now: NOW }),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_UNKNOWN_SERIAL' }));
  });
  it('types non-JSON, a missing resource, a wrong key and a changed AAD', () => {
    const n = buildNotification(base);
    const bad = 'not json';
    expect(() => verifyAndDecrypt({ headers: resign(bad, n.headers), rawBody: bad, keys, apiV3Key, now: NOW })).toThrow(
      expect.objectContaining({ code: 'NOTIFY_NOT_JSON', exitCode: 6 }),
    );
    const nores = JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS' });
    expect(() =>
      verifyAndDecrypt({ headers: resign(nores, n.headers), rawBody: nores, keys, apiV3Key, now: NOW }),
    ).toThrow(expect.objectContaining({ code: 'NOTIFY_BAD_RESOURCE', exitCode: 7 }));
    const wrong = createSecretKey(Buffer.from('fedcba9876543210fedcba9876543210'));
    expect(() => verifyAndDecrypt({ headers: n.headers, rawBody: n.body, keys, apiV3Key: wrong, now: NOW })).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED', exitCode: 7 }),
    );
    const aad = n.body.replace('"associated_data":"transaction"', '"associated_data":"refund"');
    expect(() => verifyAndDecrypt({ headers: resign(aad, n.headers), rawBody: aad, keys, apiV3Key, now: NOW })).toThrow(
      expect.objectContaining({ code: 'DECRYPT_FAILED' }),
    );
  });
});
