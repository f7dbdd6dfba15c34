// Issue 17 build 4, the sandbox's multi-merchant mode: `sandbox init --merchants 2` writes two merchants (own mchid,
// merchant key, platform certificate, public key, APIv3 key; profiles sandbox and sandbox-2) that one sandbox serves:
// a request is verified with its own merchant's key, orders are per mchid, and each merchant's notifications are
// signed with its own platform key and sealed with its own APIv3 key, so one `webhook serve --profiles` listener
// accepts both and journals each with its profile.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadMerchant, loadVerifierKeys } from '../../src/config/credentials.js';
import type { Merchant } from '../../src/protocol/sign.js';
import { initSandboxMerchants, type SandboxMerchantsResult } from '../../src/sandbox/keyset-merchants.js';
import type { MerchantKeys } from '../../src/webhook/merchants.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { jsapiBody, rawRequest, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { nextTestKeyPairAsync } from '../helpers/test-keys.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wxpay-sandbox-merchants-'));
let init: SandboxMerchantsResult;
let t: TestSandbox;
let hook: WebhookServer;
let merchantB: Merchant;
const journal = path.join(tmp, 'journal.ndjson');

const profileOf = (name: string) => loadConfig({ cwd: init.dir, env: {}, profile: name });
async function merchantKeys(name: string): Promise<MerchantKeys> {
  const p = await profileOf(name);
  return { profile: name, mchid: p.mchid, keys: await loadVerifierKeys(p), apiV3Key: await loadApiV3Key(p, {}) };
}

beforeAll(async () => {
  init = await initSandboxMerchants({ dir: path.join(tmp, 'sb'), merchants: 2, newRsaKeyPair: nextTestKeyPairAsync });
  for (const f of [
    'merchant/apiclient_key.pem',
    'apiv3.key',
    'merchant-2/merchant/apiclient_key.pem',
    'merchant-2/apiv3.key',
  ])
    trackSecretFile(`sandbox ${f}`, path.join(init.dir, f));
  t = await startTestSandbox(init, { autoRefundMs: -1 });
  merchantB = await loadMerchant(await profileOf('sandbox-2'));
  hook = await startWebhookServer({
    merchants: [await merchantKeys('sandbox'), await merchantKeys('sandbox-2')],
    journalPath: journal,
  });
});
afterAll(async () => {
  await hook?.close();
  await t?.sb.close();
  removeTemp(tmp);
});

const bodyFor = (mchid: string, no: string, notifyUrl = 'https://example.com/notify') => ({
  ...jsapiBody(init, no, notifyUrl),
  mchid,
});
const payAs = (mchid: string, no: string) =>
  rawRequest(t.sb.url, 'POST', `/sandbox/orders/${no}/pay`, {
    'Content-Type': 'application/json',
    'X-Sandbox-Mchid': mchid,
  });
const accepted = () =>
  readFileSync(journal, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((l) => l.outcome === 'accepted');
async function waitFor(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('sandbox init --merchants 2', () => {
  it('one-merchant-unchanged: without --merchants the sandbox.json and rc file are as before', async () => {
    const one = await initSandboxMerchants({ dir: path.join(tmp, 'one'), newRsaKeyPair: nextTestKeyPairAsync });
    trackSecretFile('one merchant key', one.privateKeyPath);
    expect(one).not.toHaveProperty('merchants');
    const file = JSON.parse(readFileSync(path.join(one.dir, 'sandbox.json'), 'utf8'));
    expect(Object.keys(file)).toEqual(['mchid', 'appid', 'mode', 'port', 'publicKeyId', 'platformSerials']);
    expect(Object.keys(JSON.parse(readFileSync(one.rcPath, 'utf8')).profiles)).toEqual(['sandbox']);
    expect(existsSync(path.join(one.dir, 'merchant-2'))).toBe(false);
  });

  it('writes two merchants with nothing shared: mchid, merchant key, platform certificate, public key, APIv3 key', async () => {
    const [a, b] = init.merchants!;
    expect([a!.profile, a!.mchid, b!.profile, b!.mchid]).toEqual(['sandbox', '1900000001', 'sandbox-2', '1900000002']);
    expect(b!.serialNo).not.toBe(a!.serialNo);
    expect(b!.platformSerial).not.toBe(a!.platformSerial);
    expect(b!.publicKeyId).not.toBe(a!.publicKeyId);
    const read = (f: string) => readFileSync(path.join(init.dir, f), 'utf8');
    expect(read('merchant-2/apiv3.key')).not.toBe(read('apiv3.key'));
    const rc = JSON.parse(read('.wxpayrc.json'));
    expect(Object.keys(rc.profiles)).toEqual(['sandbox', 'sandbox-2']);
    expect(rc.profiles['sandbox-2']).toMatchObject({
      mchid: '1900000002',
      baseUrl: rc.profiles.sandbox.baseUrl,
      privateKeyPath: './merchant-2/merchant/apiclient_key.pem',
      apiV3Key: 'file:./merchant-2/apiv3.key',
      platformCertDir: './merchant-2/certs',
    });
    // A re-run keeps both merchants and their keys.
    const again = await initSandboxMerchants({ dir: init.dir });
    expect(again.merchants!.map((m) => [m.mchid, m.serialNo])).toEqual(
      init.merchants!.map((m) => [m.mchid, m.serialNo]),
    );
  });

  it('verifies each request with its own merchant key; a request signed by B naming A is refused', async () => {
    const no = uniqueNo('MB');
    const made = await t.call('POST', '/v3/pay/transactions/jsapi', bodyFor('1900000002', no), {
      merchant: merchantB,
    });
    expect(made.status).toBe(200);
    // Orders are per mchid: B's order is not A's.
    expect(
      (
        await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=1900000002`, undefined, {
          merchant: merchantB,
        })
      ).status,
    ).toBe(200);
    expect((await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=1900000001`)).json).toMatchObject({
      code: 'ORDER_NOT_EXIST',
    });
    // B's key and B's serial, but A's mchid: A's context checks A's merchant.
    const forged = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=1900000001`, undefined, {
      merchant: { ...merchantB, mchid: '1900000001' },
    });
    expect([forged.status, forged.json.code]).toEqual([401, 'SIGN_ERROR']);
    // A's mchid and A's serial, signed with B's key.
    const resigned = await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=1900000001`, undefined, {
      merchant: { ...t.merchant, privateKey: merchantB.privateKey },
    });
    expect([resigned.status, resigned.json.code]).toEqual([401, 'SIGN_ERROR']);
  });

  it("each merchant's paid order notifies one many-merchant listener, journalled with its profile", async () => {
    const noA = uniqueNo('NA');
    const noB = uniqueNo('NB');
    expect((await t.call('POST', '/v3/pay/transactions/jsapi', bodyFor('1900000001', noA, hook.url))).status).toBe(200);
    expect(
      (
        await t.call('POST', '/v3/pay/transactions/jsapi', bodyFor('1900000002', noB, hook.url), {
          merchant: merchantB,
        })
      ).status,
    ).toBe(200);
    expect((await payAs('1900000001', noA)).status).toBe(200);
    expect((await payAs('1900000002', noB)).status).toBe(200);
    await waitFor('both callbacks', () => accepted().length >= 2);
    const byNo = new Map(accepted().map((l) => [l.resource.out_trade_no as string, l]));
    expect(byNo.get(noA)).toMatchObject({ profile: 'sandbox', mchid: '1900000001', resource: { mchid: '1900000001' } });
    expect(byNo.get(noB)).toMatchObject({
      profile: 'sandbox-2',
      mchid: '1900000002',
      resource: { mchid: '1900000002' },
    });
    // B's callback was signed with B's platform certificate.
    expect(byNo.get(noB)!.verification.serial).toBe(init.merchants![1]!.platformSerial);
    expect(t.sb.merchants.map((c) => c.notifier.deliveries.length)).toEqual([1, 1]);
  });

  it("payer-page-merchant: merchant 2's payer page opens and pays merchant 2's order (no mchid in the URL)", async () => {
    const noB = uniqueNo('PB');
    const { payer: _, ...native } = bodyFor('1900000002', noB, 'http://127.0.0.1:9/notify');
    const res = await t.call('POST', '/v3/pay/transactions/native', native, { merchant: merchantB });
    const token = (res.json.code_url as string).split('pr=')[1]!;
    const page = await rawRequest(t.sb.url, 'GET', `/sandbox/pay/${token}`, {});
    expect([page.status, page.text.includes('1900000002')]).toEqual([200, true]);
    const paid = await rawRequest(t.sb.url, 'POST', `/sandbox/pay/${token}/pay`, { Origin: t.sb.url });
    expect(paid.status).toBe(303);
    expect(t.sb.merchants[1]!.state.orderByOutTradeNo(noB)!.tradeState).toBe('SUCCESS');
  });

  it('trigger-as-profile: notify trigger --profile sandbox-2 sends as merchant 2 (its key, mchid and APIv3 key)', async () => {
    const before = accepted().length;
    const trigger = (profile: string) =>
      runCli(
        [
          'notify',
          'trigger',
          'TRANSACTION.SUCCESS',
          '--to',
          hook.url,
          '--config',
          init.rcPath,
          '--profile',
          profile,
          '--sandbox-dir',
          init.dir,
        ],
        { cwd: tmp, env: cleanEnv(), timeoutMs: 20_000 },
      ).then((r) => [r.code, r.stderr]);
    expect(await trigger('sandbox-2')).toEqual([0, '']);
    expect(await trigger('sandbox')).toEqual([0, '']);
    const got = accepted().slice(before);
    expect(got.map((l) => [l.profile, l.resource.mchid, l.verification.serial])).toEqual([
      ['sandbox-2', '1900000002', init.merchants![1]!.platformSerial],
      ['sandbox', '1900000001', init.merchants![0]!.platformSerial],
    ]);
  });
});
