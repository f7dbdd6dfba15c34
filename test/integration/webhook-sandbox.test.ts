// End to end with the sandbox (issue 5): prepay -> sandbox pay -> the sandbox's signed notification reaches
// webhook serve -> verified, decrypted, journalled -> forwarded to a test app. Mixed mode, so callbacks signed by
// the platform certificate and by the public key both arrive, as during a migration.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadApiV3Key, loadVerifierKeys } from '../../src/config/credentials.js';
import { initSandbox } from '../../src/sandbox/keyset.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-sb-'));
const journal = path.join(tmp, 'journal.ndjson');
const got: Array<{
  headers: IncomingHttpHeaders;
  body: { id: string; event_type: string; resource: Record<string, unknown> };
}> = [];
let app: Server;
let t: TestSandbox;
let hook: WebhookServer;

beforeAll(async () => {
  const base = await sandboxKeySet('mixed');
  const init = await initSandbox({ dir: base.dir, mode: 'mixed' });
  t = await startTestSandbox(init, { autoRefundMs: -1 });
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  const profile = await loadConfig({ cwd: init.dir, env: {} });
  hook = await startWebhookServer({
    path: '/wxpay/notify',
    keys: await loadVerifierKeys(profile),
    apiV3Key: await loadApiV3Key(profile, {}),
    journalPath: journal,
    forwardTo: `http://127.0.0.1:${(app.address() as AddressInfo).port}/app`,
    ackAfterForward: true,
  });
});
afterAll(async () => {
  await hook?.close();
  await t?.sb.close();
  app?.close();
  removeTemp(tmp);
});

async function waitFor<T>(what: string, fn: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 500; i += 1) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('sandbox -> webhook serve -> app', () => {
  it('paid orders: notifications (certificate- and public-key-signed) are forwarded, decrypted', async () => {
    // The sandbox alternates keys across everything it signs (responses too), so pay until both have been used.
    const nos: string[] = [];
    while (nos.length < 8 && new Set(got.map((g) => g.headers['wechatpay-serial'])).size < 2) {
      const no = uniqueNo('W');
      nos.push(no);
      expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no, hook.url))).status).toBe(200);
      expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
      await waitFor(`forward of ${no}`, () => got.some((g) => g.body.resource.out_trade_no === no));
      // One more signed response shifts the alternation, so the next notification gets the other key.
      await t.call('GET', `/v3/pay/transactions/out-trade-no/${no}?mchid=${t.init.mchid}`);
    }
    for (const no of nos) {
      const fwd = got.find((g) => g.body.resource.out_trade_no === no)!;
      expect(fwd.body).toMatchObject({
        event_type: 'TRANSACTION.SUCCESS',
        resource: { trade_state: 'SUCCESS', amount: { total: 100 } },
      });
      expect(fwd.headers['x-wxpay-event-id']).toBe(fwd.body.id);
    }
    const serials = new Set(got.map((g) => g.headers['wechatpay-serial']));
    expect(serials).toEqual(new Set([t.init.platformSerial, t.init.publicKeyId]));
    // The sandbox saw 2xx answers, and webhook serve journalled both as accepted.
    const deliveries = (await t.admin('GET', '/sandbox/notifications')).json as {
      data: Array<{ attempts: Array<{ status?: number }> }>;
    };
    expect(deliveries.data.length).toBe(nos.length);
    // With ackAfterForward the app gets the event before the journal line is written: wait for the last one.
    const accepted = () =>
      readFileSync(journal, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((l) => l.outcome === 'accepted')
        .map((l) => l.resource.out_trade_no as string)
        .sort();
    await waitFor('the journal lines', () => accepted().length >= nos.length);
    expect(accepted()).toEqual([...nos].sort());
  });
});
