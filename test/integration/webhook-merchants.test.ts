// Issue 17 build 4, one listener for many merchants: on the shared path the Wechatpay-Serial chooses the merchant,
// /notify/<profile> takes only that profile's callbacks, each merchant decrypts with its own APIv3 key, every entry
// is journalled with its profile and mchid, forwards carry X-Wxpay-Profile and still verify (standardwebhooks), a
// callback signed by merchant A's key but naming merchant B's serial is refused, and a serial shared by two
// profiles refuses to start.
import { createSecretKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyStore } from '../../src/protocol/keys.js';
import type { LiveEvent } from '../../src/webhook/live-line.js';
import type { MerchantKeys } from '../../src/webhook/merchants.js';
import { startWebhookServer } from '../../src/webhook/server.js';
import { newForwardSecret } from '../../src/webhook/signing.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { nextTestKeyPair } from '../helpers/test-keys.js';
import { apiV3Key, makeFixture } from './webhook-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-merchants-'));
afterAll(() => removeTemp(dir));

const A_MCHID = '1900000001';
const B_MCHID = '1900000002';
const keyB = createSecretKey(Buffer.from('Bb8X7w6V5u4T3s2R1q0P9o8N7m6L5k4j'));
const a = makeFixture();
const b = makeFixture({
  certKey: nextTestKeyPair(),
  certSerial: '7B0C2E9D11A3F4E5D6C7B8A9F0E1D2C3B4A59687',
  pubKey: nextTestKeyPair(),
  pubId: 'PUB_KEY_ID_0000000000000024101100397200000077',
  apiV3Key: keyB,
});
const A_PUB = [...a.keys.keys()].find((k) => k.startsWith('PUB_KEY_ID_'))!;
const B_PUB = [...b.keys.keys()].find((k) => k.startsWith('PUB_KEY_ID_'))!;
const merchants: MerchantKeys[] = [
  { profile: 'shop', mchid: A_MCHID, keys: a.keys, apiV3Key },
  { profile: 'franchise', mchid: B_MCHID, keys: b.keys, apiV3Key: keyB },
];
const paidB = (over: Parameters<typeof b.notify>[0] = {}) =>
  b.notify({
    plaintext: { mchid: B_MCHID, out_trade_no: 'B-1', trade_state: 'SUCCESS', amount: { total: 200, currency: 'CNY' } },
    ...over,
  });

const post = (url: string, n: { headers: Record<string, string>; body: string }) =>
  fetch(url, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

async function startApp() {
  const got: Array<{ headers: Record<string, string>; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('webhook serve for many merchants', () => {
  it('two merchants on one path: each accepted, journalled and forwarded with its profile and mchid', async () => {
    const app = await startApp();
    const secret = newForwardSecret();
    const journalPath = path.join(dir, 'shared.ndjson');
    const events: LiveEvent[] = [];
    const srv = await startWebhookServer({
      merchants,
      journalPath,
      forwardTo: app.url,
      forwardSecret: secret,
      forwardBaseDelayMs: 1,
      onEvent: (e) => events.push(e),
    });
    const nA = a.notify();
    const nB = paidB({ serialKind: 'cert' });
    expect(await post(srv.url, nA)).toEqual({ status: 204, body: '' });
    expect(await post(srv.url, nB)).toEqual({ status: 204, body: '' });
    expect(await post(srv.url, nB)).toEqual({ status: 204, body: '' }); // WeChat Pay's retry: a duplicate
    await srv.close();
    await app.close();
    const journal = lines(journalPath);
    // Forwards run in the background: their lines may come after the next callback's.
    const byOutcome = (x: unknown[], y: unknown[]) => JSON.stringify(x).localeCompare(JSON.stringify(y));
    expect(journal.map((l) => [l.outcome, l.id, l.profile, l.mchid]).sort(byOutcome)).toEqual(
      [
        ['accepted', nA.id, 'shop', A_MCHID],
        ['accepted', nB.id, 'franchise', B_MCHID],
        ['duplicate', nB.id, 'franchise', B_MCHID],
        ['forwarded', nA.id, 'shop', A_MCHID],
        ['forwarded', nB.id, 'franchise', B_MCHID],
      ].sort(byOutcome),
    );
    // B's resource was decrypted with B's APIv3 key.
    expect(journal.find((l) => l.id === nB.id && l.outcome === 'accepted')!.resource).toMatchObject({
      mchid: B_MCHID,
      out_trade_no: 'B-1',
      amount: { total: 200 },
    });
    expect(app.got.map((g) => [g.headers['x-wxpay-profile'], g.headers['webhook-id']])).toEqual([
      ['shop', nA.id],
      ['franchise', nB.id],
    ]);
    for (const g of app.got) expect(new Webhook(secret).verify(g.body, g.headers)).toHaveProperty('resource');
    expect(events.filter((e) => e.outcome === 'accepted').map((e) => e.profile)).toEqual(['shop', 'franchise']);
  });

  it("cross-merchant-forgery: signed by merchant A but naming merchant B's serial is refused", async () => {
    const journalPath = path.join(dir, 'forgery.ndjson');
    const srv = await startWebhookServer({ merchants, journalPath });
    const forged = a.notify({ serial: B_PUB, signingKey: a.pubKey.privateKey, apiV3Key: keyB });
    expect(forged.headers['Wechatpay-Serial']).toBe(B_PUB);
    const shared = await post(srv.url, forged);
    const routed = await post(srv.url.replace(/\/$/, '/notify/franchise'), forged);
    await srv.close();
    const refused = { status: 401, body: JSON.stringify({ code: 'FAIL', message: 'VERIFY_BAD_SIGNATURE' }) };
    expect(shared).toEqual(refused);
    expect(routed).toEqual(refused);
    expect(lines(journalPath).map((l) => [l.outcome, l.code, l.profile])).toEqual([
      ['rejected', 'VERIFY_BAD_SIGNATURE', undefined],
      ['rejected', 'VERIFY_BAD_SIGNATURE', 'franchise'],
    ]);
  });

  it("profile-path-routing: /notify/<profile> takes that merchant only; another merchant's serial there is 401", async () => {
    const journalPath = path.join(dir, 'routed.ndjson');
    const srv = await startWebhookServer({ merchants, journalPath, path: '/wxpay' });
    const base = srv.url.replace(/\/wxpay$/, '');
    const nB = paidB();
    expect(await post(`${base}/notify/shop`, nB)).toEqual({
      status: 401,
      body: JSON.stringify({ code: 'FAIL', message: 'VERIFY_UNKNOWN_SERIAL' }),
    });
    expect((await post(`${base}/notify/nobody`, nB)).status).toBe(404);
    expect(await post(`${base}/notify/franchise`, nB)).toEqual({ status: 204, body: '' });
    expect(await post(`${base}/wxpay`, a.notify())).toEqual({ status: 204, body: '' });
    await srv.close();
    expect(lines(journalPath).map((l) => [l.outcome, l.profile, l.mchid ?? null])).toEqual([
      ['rejected', 'shop', A_MCHID],
      ['accepted', 'franchise', B_MCHID],
      ['accepted', 'shop', A_MCHID],
    ]);
  });

  it("each merchant decrypts with its own APIv3 key: B's callback sealed with A's key fails to decrypt", async () => {
    const journalPath = path.join(dir, 'wrong-key.ndjson');
    const srv = await startWebhookServer({ merchants, journalPath });
    const r = await post(srv.url, paidB({ apiV3Key }));
    const { 'Wechatpay-Serial': _serial, ...noSerial } = paidB().headers;
    const missing = await post(srv.url, { headers: noSerial, body: paidB().body });
    await srv.close();
    expect(r).toEqual({ status: 500, body: JSON.stringify({ code: 'FAIL', message: 'DECRYPT_FAILED' }) });
    expect(missing).toEqual({ status: 401, body: JSON.stringify({ code: 'FAIL', message: 'VERIFY_MISSING_HEADER' }) });
  });

  it('shared-serial-refused: a serial loaded for two profiles stops the start, naming both, before the journal', async () => {
    const journalPath = path.join(dir, 'never.ndjson');
    const twin = createKeyStore([[A_PUB, a.pubKey.publicKey]]);
    const start = startWebhookServer({
      merchants: [...merchants, { profile: 'copy', keys: twin, apiV3Key: keyB }],
      journalPath,
    });
    await expect(start).rejects.toMatchObject({
      code: 'CONFIG_SHARED_SERIAL',
      exitCode: 3,
      message: `The serial ${A_PUB} is loaded for two profiles`,
      hint: expect.stringContaining('Profiles "shop" and "copy" both verify'),
    });
    expect(existsSync(journalPath)).toBe(false);
  });
});
