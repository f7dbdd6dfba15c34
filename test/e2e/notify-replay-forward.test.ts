// Issue 13: `notify replay --forward <url>` sends exactly what `webhook serve --forward-to` sends: the same body
// bytes and headers, a fresh Standard Webhooks timestamp and signature under the secret stored beside the journal
// (0600, printed only with --print-secret). Both verify with the `standardwebhooks` package.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildNotification } from '../../src/protocol/notification.js';
import { loadSandboxKeys } from '../../src/sandbox/keyset.js';
import { runCli } from '../helpers/cli.js';
import { recordOutput } from '../helpers/secrets-scan.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { startWebhookServe } from './webhook-serve-helper.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-replay-forward-'));
const journal = path.join(dir, 'journal.ndjson');
let rc: string;
let app: Server;
let appUrl: string;
const got: Array<{ headers: Record<string, string>; body: Buffer }> = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  const init = await initTestSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
  rc = init.rcPath;
  for (const file of [init.apiV3KeyPath, init.privateKeyPath]) trackSecretFile(path.basename(file), file);
  app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/notify`;
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  app?.close();
  removeTemp(dir);
});

async function serve(extra: string[] = [], json = false) {
  const srv = await startWebhookServe({
    cwd: dir,
    config: rc,
    journal,
    args: ['--forward-to', appUrl, ...extra],
    json,
  });
  children.push(srv.child);
  return { child: srv.child, url: srv.url, exited: srv.exited.then(() => srv.output()) };
}

describe('notify replay --forward', () => {
  it("replay-forward-byte-equal: replay sends the forward's exact body and headers, with a fresh signature", async () => {
    const srv = await serve();
    const secretFile = `${journal}.forward-secret`;
    trackSecretFile('forward secret', secretFile);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8').trim();
    const sb = await loadSandboxKeys(path.join(dir, 'sb'));
    const n = buildNotification({
      eventType: 'TRANSACTION.SUCCESS',
      originalType: 'transaction',
      apiV3Key: sb.apiV3Key,
      signingKey: sb.publicKeyPrivate,
      serial: sb.publicKeyId,
      plaintext: { mchid: sb.mchid, out_trade_no: '订单-1', trade_state: 'SUCCESS', amount: { total: 100 } },
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: randomUUID().replace(/-/g, ''),
      resourceNonce: 'n0nce0123456',
      id: 'EV-REPLAY-1',
      createTime: '2026-11-28T10:00:00+08:00',
    });
    expect((await fetch(srv.url, { method: 'POST', headers: n.headers, body: n.body })).status).toBe(204);
    srv.child.kill('SIGTERM');
    const output = await srv.exited;
    recordOutput(inject('artifactsDir'), 'wxpay webhook serve --forward-to', output);
    expect(output).toContain(`forwards are signed (Standard Webhooks) with the secret in ${secretFile} (new)`);
    expect(got).toHaveLength(1);

    await new Promise((r) => setTimeout(r, 1_100)); // a later second, so the fresh signature must differ
    const r = await runCli(['notify', 'replay', journal, '--id', 'EV-REPLAY-1', '--forward', appUrl, '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ sent: 1, results: [{ id: 'EV-REPLAY-1', status: 200, ok: true }] });
    expect(got).toHaveLength(2);
    const [forward, replay] = got as [(typeof got)[0], (typeof got)[0]];
    expect(replay.body.equals(forward.body)).toBe(true);
    const fresh = ['webhook-timestamp', 'webhook-signature'];
    const rest = (h: Record<string, string>) =>
      Object.fromEntries(Object.entries(h).filter(([k]) => !fresh.includes(k)));
    expect(rest(replay.headers)).toEqual(rest(forward.headers));
    expect(replay.headers['webhook-id']).toBe('EV-REPLAY-1');
    expect(Number(replay.headers['webhook-timestamp'])).toBeGreaterThan(Number(forward.headers['webhook-timestamp']));
    expect(replay.headers['webhook-signature']).not.toBe(forward.headers['webhook-signature']);
    for (const g of got) {
      expect(new Webhook(secret).verify(g.body.toString('utf8'), g.headers)).toMatchObject({
        id: 'EV-REPLAY-1',
        resource: { out_trade_no: '订单-1', amount: { total: 100 } },
      });
    }
    expect(forward.headers).toMatchObject({
      'x-wxpay-event-id': 'EV-REPLAY-1',
      'x-wxpay-event-type': 'TRANSACTION.SUCCESS',
      'wechatpay-serial': sb.publicKeyId,
      'content-type': 'application/json',
    });
  });

  it('prints the secret only with --print-secret', async () => {
    const srv = await serve(['--print-secret'], true);
    srv.child.kill('SIGTERM');
    const output = await srv.exited; // holds the secret: not recorded for the secrets scan, on purpose
    const secret = readFileSync(`${journal}.forward-secret`, 'utf8').trim();
    expect(JSON.parse(output.split('\n')[0]!)).toMatchObject({
      type: 'listening',
      secretFile: `${journal}.forward-secret`,
      secret,
    });
  });
});
