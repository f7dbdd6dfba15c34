// webhook serve in-process: the failure matrix as HTTP statuses, mixed-mode keys, journal-before-ack,
// duplicates, forwarding with headers, --ack-after-forward, and the seen-id set rebuilt from the journal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/webhook/handler.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { newForwardSecret } from '../../src/webhook/signing.js';
import { apiV3Key, failureMatrix, makeFixture } from './webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-'));
afterAll(() => removeTemp(dir));

interface App {
  url: string;
  got: Array<{ headers: Record<string, string | string[] | undefined>; body: any }>;
  status: number;
  server: Server;
}
async function startApp(): Promise<App> {
  const app: App = { url: '', got: [], status: 200, server: undefined as unknown as Server };
  app.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      app.got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(app.status).end();
    });
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', () => r()));
  app.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`;
  return app;
}

const post = (url: string, n: { headers: Record<string, string>; body: string }) =>
  fetch(url, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));
const journalLines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('webhook serve', () => {
  let srv: WebhookServer;
  let app: App;
  const journal = path.join(dir, 'a.ndjson');
  beforeAll(async () => {
    app = await startApp();
    srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: journal,
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardBaseDelayMs: 1,
    });
  });
  afterAll(async () => {
    await srv.close();
    app.server.close();
  });

  for (const c of failureMatrix(f)) {
    it(`${c.name} -> HTTP ${c.status === 413 ? 413 : c.status}`, async () => {
      const r = await post(srv.url, c);
      expect(r.status).toBe(c.status);
      if (c.status >= 400) expect(JSON.parse(r.body)).toMatchObject({ code: 'FAIL' });
      if (c.code) expect(JSON.parse(r.body).message).toBe(c.code);
    });
  }

  it('accepts both a certificate-signed and a public-key-signed callback (migration), journals before acking, forwards once', async () => {
    const a = f.notify({ serialKind: 'cert' });
    const b = f.notify({ serialKind: 'pubkey' });
    expect((await post(srv.url, a)).status).toBe(204);
    expect((await post(srv.url, b)).status).toBe(204);
    // The ack came after the fsync'd append: the journal already holds both.
    const accepted = journalLines(journal)
      .filter((l) => l.outcome === 'accepted')
      .map((l) => l.id);
    expect(accepted).toEqual(expect.arrayContaining([a.id, b.id]));
    const entry = journalLines(journal).find((l) => l.id === a.id);
    expect(entry).toMatchObject({
      method: 'POST',
      body: a.body,
      headers: { 'wechatpay-serial': a.headers['Wechatpay-Serial'] },
      resource: { out_trade_no: `T-${a.id.slice(0, 8)}` },
    });
    // Duplicate: acknowledged, journalled as such, not forwarded again.
    expect((await post(srv.url, a)).status).toBe(204);
    await srv.close().catch(() => undefined); // drains background forwards
    const forwarded = app.got.filter((g) => g.body.id === a.id);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]!.headers).toMatchObject({
      'x-wxpay-event-id': a.id,
      'x-wxpay-event-type': 'TRANSACTION.SUCCESS',
      'wechatpay-serial': a.headers['Wechatpay-Serial'],
    });
    expect(forwarded[0]!.body.resource).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 100 } });
    expect(
      journalLines(journal)
        .filter((l) => l.id === a.id)
        .map((l) => l.outcome)
        .sort(),
    ).toEqual(['accepted', 'duplicate', 'forwarded']);
    // Restart on the same journal: the seen-id set comes back, so a retry is a duplicate.
    srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: journal,
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardBaseDelayMs: 1,
    });
    expect(srv.recovered).toBeGreaterThanOrEqual(2);
    expect((await post(srv.url, b)).status).toBe(204);
    expect(journalLines(journal).at(-1)).toMatchObject({ id: b.id, outcome: 'duplicate' });
  });
});

describe('webhook serve --ack-after-forward', () => {
  it('answers 502 while the app fails, so WeChat Pay retries; the retry is forwarded and acknowledged', async () => {
    const app = await startApp();
    app.status = 503;
    const journal = path.join(dir, 'b.ndjson');
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: journal,
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardAttempts: 2,
      forwardBaseDelayMs: 1,
      ackAfterForward: true,
    });
    try {
      const n = f.notify();
      expect((await post(srv.url, n)).status).toBe(502);
      expect(app.got).toHaveLength(2); // two attempts
      app.status = 200;
      expect((await post(srv.url, n)).status).toBe(204);
      expect((await post(srv.url, n)).status).toBe(204); // duplicate now
      expect(app.got).toHaveLength(3);
      expect(journalLines(journal).map((l) => l.outcome)).toEqual(['forward_failed', 'accepted', 'duplicate']);
    } finally {
      await srv.close();
      app.server.close();
    }
  });

  it('answers 500 when the journal write fails, and does not count the event as seen', async () => {
    let failing = true;
    const written: unknown[] = [];
    const journal = {
      path: 'mem',
      close: async () => undefined,
      append: async (e: unknown) => {
        if (failing) throw new Error('EIO');
        written.push(e);
      },
    };
    const seen = new Set<string>();
    const handle = createHandler({
      keys: f.keys,
      apiV3Key,
      now: Date.now,
      journal,
      seen,
      onEvent: () => undefined,
      track: () => undefined,
    });
    const n = f.notify();
    const req = {
      method: 'POST',
      path: '/',
      headers: Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v])),
      rawBody: Buffer.from(n.body),
      receivedAt: '',
    };
    expect(await handle(req)).toMatchObject({ status: 500 });
    expect(seen.has(n.id)).toBe(false);
    failing = false;
    expect(await handle(req)).toMatchObject({ status: 204 });
    expect(written).toHaveLength(1);
  });

  it('refuses to start when the journal cannot be opened, rather than acknowledge unjournalled', async () => {
    await expect(
      startWebhookServer({ keys: f.keys, apiV3Key, journalPath: path.join(dir, 'no-such-dir', 'j.ndjson') }),
    ).rejects.toMatchObject({ code: 'JOURNAL_UNWRITABLE', exitCode: 3, cause: { code: 'ENOENT' } });
  });
});
