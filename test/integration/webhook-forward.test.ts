// Issue 13, signed and exact forwards: every forward verifies with the `standardwebhooks` package (an
// implementation nobody here wrote), a 307 is not followed, a failed forward names its cause and the command that
// re-sends it, a restart forwards again (same webhook-id) what was acknowledged but never forwarded, and with
// --ack-after-forward the whole attempt fits WeChat Pay's 5 s.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyForward } from '../../src/index.js';
import { createForwarder } from '../../src/webhook/forwarder.js';
import type { LiveEvent } from '../../src/webhook/live-line.js';
import { startWebhookServer } from '../../src/webhook/server.js';
import { newForwardSecret, signForward } from '../../src/webhook/signing.js';
import { apiV3Key, makeFixture } from './webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { runCli } from '../helpers/cli.js';

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-forward-'));
afterAll(() => removeTemp(dir));

interface Got {
  headers: Record<string, string>;
  body: string;
}
interface App {
  url: string;
  got: Got[];
  status: number;
  headers: Record<string, string>;
  server: Server;
  close(): Promise<void>;
}
async function startApp(status = 200, headers: Record<string, string> = {}): Promise<App> {
  const app = { got: [] as Got[], status, headers } as App;
  app.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      app.got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(app.status, app.headers).end();
    });
  });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', () => r()));
  app.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hook`;
  app.close = () => new Promise((r) => app.server.close(() => r()));
  return app;
}
const post = (url: string, n: { headers: Record<string, string>; body: string }) =>
  fetch(url, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => (await r.text(), r.status));
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
}
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

describe('signed forwards', () => {
  it('signs per Standard Webhooks: pinned vector, and the standardwebhooks package verifies a real forward', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    // The example of the Standard Webhooks specification (msg_p5jXN8AQM9LWM0D4loKWxJek, 1614265330).
    expect(signForward(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
    const app = await startApp();
    const journalPath = path.join(dir, 'signed.ndjson');
    const key = newForwardSecret();
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      forwardTo: app.url,
      forwardSecret: key,
      forwardBaseDelayMs: 1,
    });
    const n = f.notify();
    expect(await post(srv.url, n)).toBe(204);
    await srv.close();
    await app.close();
    expect(app.got).toHaveLength(1);
    const { headers, body } = app.got[0]!;
    expect(headers['webhook-id']).toBe(n.id);
    expect(new Webhook(key).verify(body, headers)).toMatchObject({
      id: n.id,
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: `T-${n.id.slice(0, 8)}` },
    });
    expect(verifyForward({ secret: key, headers, body })).toEqual({
      id: n.id,
      timestamp: Number(headers['webhook-timestamp']),
    });
    expect(() => new Webhook(newForwardSecret()).verify(body, headers)).toThrow();
    expect(() => verifyForward({ secret: key, headers, body: body.replace('SUCCESS', 'REFUND') })).toThrow(
      expect.objectContaining({ code: 'VERIFY_BAD_SIGNATURE' }),
    );
    // Acknowledged, then confirmed forwarded: nothing left for a restart to send again.
    expect(lines(journalPath).map((l) => l.outcome)).toEqual(['accepted', 'forwarded']);
  });

  it('forward-redirect-not-followed: a 307 is a failure, the redirect target never sees the event', async () => {
    const target = await startApp();
    const app = await startApp(307, { location: target.url });
    const events: LiveEvent[] = [];
    const journalPath = path.join(dir, 'redirect.ndjson');
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardBaseDelayMs: 1,
      onEvent: (e) => events.push(e),
      resendCommand: (id) => `wxpay notify replay ${journalPath} --id ${id} --forward ${app.url}`,
    });
    const n = f.notify();
    expect(await post(srv.url, n)).toBe(204);
    await srv.close();
    await Promise.all([app.close(), target.close()]);
    expect(app.got).toHaveLength(1); // not retried either
    expect(target.got).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({
      forward: { ok: false, status: 307, attempts: 1, error: 'HTTP 307 redirect, not followed' },
      resend: `wxpay notify replay ${journalPath} --id ${n.id} --forward ${app.url}`,
    });
  });

  it('forward-failure-cause: a refused connection is logged as such, with the re-send command', async () => {
    const app = await startApp();
    await app.close(); // nothing listens there now
    const events: LiveEvent[] = [];
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: path.join(dir, 'refused.ndjson'),
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardAttempts: 2,
      forwardBaseDelayMs: 1,
      onEvent: (e) => events.push(e),
      resendCommand: (id) => `resend ${id}`,
    });
    const n = f.notify();
    expect(await post(srv.url, n)).toBe(204);
    await srv.close();
    expect(events.at(-1)).toMatchObject({
      outcome: 'accepted',
      forward: { ok: false, attempts: 2, error: 'connection refused' },
      resend: `resend ${n.id}`,
    });
  });

  it('restart-reforwards-unforwarded: an event acknowledged but never forwarded is forwarded on start, same webhook-id', async () => {
    const app = await startApp(503);
    const journalPath = path.join(dir, 'reforward.ndjson');
    const key = newForwardSecret();
    const first = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      forwardTo: app.url,
      forwardSecret: key,
      forwardAttempts: 1,
    });
    const n = f.notify();
    const m = f.notify();
    expect(await post(first.url, n)).toBe(204);
    expect(await post(first.url, m)).toBe(204);
    await first.close();
    expect(app.got.map((g) => g.headers['webhook-id']).sort()).toEqual([n.id, m.id].sort());
    app.status = 200;
    app.got.length = 0;
    const second = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      forwardTo: app.url,
      forwardSecret: key,
    });
    expect(second.reforwarding).toBe(2);
    await until(() => app.got.length === 2);
    await second.close();
    expect(app.got.map((g) => g.headers['webhook-id']).sort()).toEqual([n.id, m.id].sort());
    for (const g of app.got)
      expect(new Webhook(key).verify(g.body, g.headers)).toMatchObject({ id: g.headers['webhook-id'] });
    const third = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      forwardTo: app.url,
      forwardSecret: key,
    });
    expect(third.reforwarding).toBe(0);
    await third.close();
    await app.close();
    expect(app.got).toHaveLength(2);
  });
});

describe('the forward over node:http (src/webhook/forward-post.ts)', () => {
  it('sends the exact UTF-8 bytes with their length, and an app that does not answer in time is a timeout', async () => {
    const app = await startApp(202);
    const forward = createForwarder({ url: app.url, secret: newForwardSecret(), attempts: 1 });
    const body = '{"summary":"支付成功","n":1}';
    expect(await forward({ id: 'EV-UTF8', body, headers: { 'content-type': 'application/json' } })).toEqual({
      ok: true,
      status: 202,
      attempts: 1,
    });
    expect(app.got.map((g) => [g.body, g.headers['content-length']])).toEqual([
      [body, String(Buffer.byteLength(body))],
    ]);
    await app.close();
    // Reads the request, never answers: the attempt is aborted at its timeout.
    const silent = createServer((req) => req.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const slow = createForwarder({ url, secret: newForwardSecret(), attempts: 1, timeoutMs: 200 });
    expect(await slow({ id: 'EV-SLOW', body: '{}', headers: {} })).toEqual({
      ok: false,
      attempts: 1,
      error: 'timeout after 200 ms',
    });
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it("keeps its connection alive between forwards, and close() ends it: the pool is the forwarder's own", async () => {
    const app = await startApp(200);
    const sockets: Array<Promise<void>> = [];
    app.server.on('connection', (s) => sockets.push(new Promise((r) => s.on('close', () => r()))));
    const forward = createForwarder({ url: app.url, secret: newForwardSecret(), attempts: 1 });
    for (const id of ['EV-KA1', 'EV-KA2']) expect((await forward({ id, body: '{}', headers: {} })).ok).toBe(true);
    expect(sockets).toHaveLength(1);
    forward.close();
    await sockets[0]; // the app sees the socket end without closing it itself
    await app.close();
    expect(app.got).toHaveLength(2);
  });

  // node:http would send a URL's user:password@ as Basic auth (fetch refused such a URL): refused before anything runs.
  it.each([
    [['webhook', 'serve', '--forward-to', 'http://ops:hunter2@127.0.0.1:3000/notify'], '--forward-to'],
    [['notify', 'replay', 'x.ndjson', '--forward', 'https://ops:hunter2@app.example/notify'], '--forward'],
    [['notify', 'recover', '--since', '2026-12-01', '--forward', 'http://:hunter2@127.0.0.1:3000/notify'], '--forward'],
  ])('%j is a usage error that does not echo the password', async (args, flag) => {
    const r = await runCli([...args, '--json'], { cwd: dir });
    expect([r.code, r.error().code]).toEqual([2, 'USAGE']);
    expect(r.error().message).toBe(`${flag} must not carry credentials (user:password@ in the URL)`);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });
});

describe('--ack-after-forward budget', () => {
  it("ack-after-forward-budget: attempts, waits and retries all end within the budget (4 s of WeChat Pay's 5 s)", async () => {
    let clock = 0;
    const timeouts: number[] = [];
    // An app that answers 503 after 1.5 s, on a fake clock; an attempt given less time than that times out.
    const fetchImpl = (async () => {
      const wait = timeouts.at(-1)!;
      if (wait < 1_500) {
        clock += wait;
        throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
      }
      clock += 1_500;
      return new Response(null, { status: 503 });
    }) as unknown as typeof fetch;
    const forward = createForwarder({
      url: 'http://127.0.0.1:9/x',
      secret: newForwardSecret(),
      attempts: 4,
      baseDelayMs: 250,
      timeoutMs: 5_000,
      now: () => clock,
      fetchImpl,
      sleep: async (ms) => {
        clock += ms;
      },
      timeoutSignal: (ms) => (timeouts.push(ms), new AbortController().signal),
    });
    const r = await forward({ id: 'EV1', body: '{}', headers: {} }, 4_000);
    expect(timeouts).toEqual([4_000, 2_250, 250]);
    expect(r).toEqual({ ok: false, attempts: 3, error: 'timeout after 250 ms' });
    expect(clock).toBe(4_000);
  });
});
