// Interop with an independent implementation (wechatpay-axios-plugin's Rsa, AesGcm and Formatter primitives):
// a notification it builds verifies and decrypts with core and is accepted by webhook serve; a notification
// core builds (what `notify trigger` sends) verifies and decrypts with it.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAndDecrypt } from '../../src/protocol/notification.js';
import { startWebhookServer } from '../../src/webhook/server.js';
import { API_V3_KEY_TEXT, PUB_ID, CERT_SERIAL, apiV3Key, makeFixture } from './webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const require = createRequire(import.meta.url);
const { Rsa, Aes, Formatter } = require('wechatpay-axios-plugin') as {
  Rsa: { sign(m: string, k: unknown): string; verify(m: string, s: string, k: unknown): boolean };
  Aes: {
    AesGcm: {
      encrypt(p: string, k: string, iv: string, aad: string): string;
      decrypt(c: string, k: string, iv: string, aad: string): string;
    };
  };
  Formatter: {
    response(ts: string | number, nonce: string, body: string): string;
    nonce(n?: number): string;
    timestamp(): number;
  };
};

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-interop-'));
afterAll(() => removeTemp(dir));

/** Built entirely by the other implementation: its AES-GCM, its message format, its RSA signer. */
export function axiosNotification(serial: string, signingKey: unknown, v3: string, id: string) {
  const plaintext = {
    mchid: '1900000001',
    out_trade_no: 'AX-1',
    transaction_id: '4200000000000000000000000001',
    trade_state: 'SUCCESS',
    amount: { total: 888, currency: 'CNY' },
  };
  const nonce = 'Zq3bQ9yT1x7L';
  const body = JSON.stringify({
    id,
    create_time: '2026-11-28T10:00:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: Aes.AesGcm.encrypt(JSON.stringify(plaintext), v3, nonce, 'transaction'),
      associated_data: 'transaction',
      nonce,
    },
  });
  const ts = String(Formatter.timestamp());
  const n = Formatter.nonce(32);
  const headers = {
    'Content-Type': 'application/json',
    'Wechatpay-Timestamp': ts,
    'Wechatpay-Nonce': n,
    'Wechatpay-Serial': serial,
    'Wechatpay-Signature': Rsa.sign(Formatter.response(ts, n, body), signingKey),
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
  return { headers, body, plaintext };
}

describe('interop with wechatpay-axios-plugin', () => {
  it('its notification (public-key and certificate signed) verifies and decrypts with verifyAndDecrypt', () => {
    for (const [serial, key] of [
      [PUB_ID, f.pubKey.privateKey],
      [CERT_SERIAL, f.certKey.privateKey],
    ] as const) {
      const n = axiosNotification(serial, key, API_V3_KEY_TEXT, 'EV-AX-1');
      const r = verifyAndDecrypt({
        headers: n.headers,
        rawBody: n.body,
        keys: f.keys,
        apiV3Key,
        now: Math.floor(Date.now() / 1000),
      });
      expect(r.resource).toEqual(n.plaintext);
      expect(r.verification.serial).toBe(serial);
    }
  });

  it('webhook serve accepts its notification', async () => {
    const srv = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath: path.join(dir, 'j.ndjson') });
    try {
      const n = axiosNotification(PUB_ID, f.pubKey.privateKey, API_V3_KEY_TEXT, 'EV-AX-2');
      const res = await fetch(srv.url, { method: 'POST', headers: n.headers, body: n.body });
      expect(res.status).toBe(204);
    } finally {
      await srv.close();
    }
  });

  it('a core-built notification verifies and decrypts with its primitives', () => {
    const n = f.notify({ serialKind: 'cert', id: 'EV-CORE-1' });
    const h = n.headers;
    expect(
      Rsa.verify(
        Formatter.response(h['Wechatpay-Timestamp']!, h['Wechatpay-Nonce']!, n.body),
        h['Wechatpay-Signature']!,
        f.certKey.publicKey,
      ),
    ).toBe(true);
    const r = JSON.parse(n.body).resource;
    const plain = JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, API_V3_KEY_TEXT, r.nonce, r.associated_data));
    expect(plain).toMatchObject({ out_trade_no: 'T-EV-CORE-', trade_state: 'SUCCESS', amount: { total: 100 } });
  });
});
