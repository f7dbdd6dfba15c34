// `wxpay notify verify|decrypt|trigger|replay` as users run it, against a sandbox key set (mixed mode):
// the failure matrix as exit codes, --explain, --http, --no-verify, --resource, interop with
// wechatpay-axios-plugin both ways, trigger/probe/replay against an in-process webhook serve.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxKeys, type SandboxKeys } from '../../src/sandbox/keyset.js';
import { initTestSandbox } from '../helpers/sandbox.js';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { createPublicKey } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { failureMatrix, makeFixture, type Fixture } from '../integration/webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const require = createRequire(import.meta.url);
const { Rsa, Aes, Formatter } = require('wechatpay-axios-plugin');

const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-notify-cli-'));
const sbDir = path.join(dir, 'sb');
let rc: string;
let sb: SandboxKeys;
let f: Fixture;
let v3Text: string;
let srv: WebhookServer;
const got: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
let sink: Server;
let sinkUrl: string;
let sinkStatus = 204;

beforeAll(async () => {
  const init = await initTestSandbox({ dir: sbDir, mode: 'mixed' });
  rc = init.rcPath;
  for (const file of [init.apiV3KeyPath, init.privateKeyPath, init.platformKeyPath])
    trackSecretFile(path.basename(file), file);
  sb = await loadSandboxKeys(sbDir);
  v3Text = readFileSync(init.apiV3KeyPath, 'utf8').trim();
  const newest = sb.platform.at(-1)!;
  f = makeFixture({
    certKey: { privateKey: newest.privateKey, publicKey: createPublicKey(newest.certPem) },
    certSerial: newest.serial,
    pubKey: { privateKey: sb.publicKeyPrivate, publicKey: sb.publicKey },
    pubId: sb.publicKeyId,
    apiV3Key: sb.apiV3Key,
  });
  srv = await startWebhookServer({ keys: f.keys, apiV3Key: sb.apiV3Key, journalPath: path.join(dir, 'j.ndjson') });
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(sinkStatus, { 'content-type': 'text/plain' }).end(sinkStatus < 300 ? '' : 'nope');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  await srv?.close();
  sink?.close();
  removeTemp(dir);
});

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
let nfile = 0;
function captureFile(n: { headers: Record<string, string>; body: string }): string {
  const file = path.join(dir, `c${nfile++}.json`);
  writeFileSync(file, JSON.stringify({ method: 'POST', path: '/notify', headers: lower(n.headers), body: n.body }));
  return file;
}
const wx = (args: string[], input?: string) =>
  runCli([...args, '--config', rc], { cwd: dir, ...(input !== undefined ? { input } : {}) });

describe('notify verify / decrypt exit codes (failure matrix)', () => {
  it('each case gives its exit code for decrypt, and verify fails exactly the signature cases', async () => {
    const cases = failureMatrix(f);
    const runs = await Promise.all(
      cases.map(async (c) => {
        const file = captureFile(c);
        const [dec, ver] = await Promise.all([
          wx(['notify', 'decrypt', '--capture', file, '--json']),
          wx(['notify', 'verify', '--capture', file, '--json']),
        ]);
        return { c, dec, ver };
      }),
    );
    for (const { c, dec, ver } of runs) {
      expect({ name: c.name, code: dec.code, stderr: dec.code === c.exit ? '' : dec.stderr }).toEqual({
        name: c.name,
        code: c.exit,
        stderr: '',
      });
      if (c.code) expect(dec.error().code).toBe(c.code);
      const verifyExit = c.exit === 7 ? 0 : c.exit; // the signature is fine when only the AEAD part is wrong
      expect({ name: c.name, code: ver.code, stderr: ver.code === verifyExit ? '' : ver.stderr }).toEqual({
        name: c.name,
        code: verifyExit,
        stderr: '',
      });
    }
  });

  it('--explain lists every step; a stale capture still shows the RSA result; --http parses a proxy log', async () => {
    const stale = f.notify({ timestamp: String(Math.floor(Date.now() / 1000) - 900) });
    const r = await wx(['notify', 'verify', '--capture', captureFile(stale), '--explain', '--json']);
    expect(r.code).toBe(6);
    const steps = r.json().steps as Array<{ step: string; ok: boolean; detail: string }>;
    expect(steps.map((s) => s.step)).toEqual(['headers', 'timestamp', 'serial', 'key', 'body', 'signature']);
    expect(steps[1]).toMatchObject({ ok: false });
    expect(steps[1]!.detail).toMatch(/skew 9\d\d s/);
    expect(steps[2]!.detail).toContain('(public-key)');
    expect(steps[5]!.detail).toBe('SHA256withRSA verifies, but the timestamp is outside the window');
    const ok = f.notify({ serialKind: 'cert' });
    const http = `POST /notify HTTP/1.1\r\n${Object.entries(ok.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(ok.body)}\r\n\r\n${ok.body}\n`;
    const file = path.join(dir, 'req.http');
    writeFileSync(file, http);
    const h = await wx(['notify', 'verify', '--http', file, '--json']);
    expect(h.code).toBe(0);
    expect(h.json()).toMatchObject({ verified: true, serial: ok.headers['Wechatpay-Serial'] });
  });

  it('a re-serialised body is flagged, --no-verify warns loudly, --resource decrypts', async () => {
    const ok = f.notify();
    const pretty = JSON.stringify(JSON.parse(ok.body), null, 2);
    const r = await wx([
      'notify',
      'verify',
      '--capture',
      captureFile({ headers: ok.headers, body: pretty }),
      '--explain',
    ]);
    expect(r.code).toBe(6);
    expect(r.stdout).toMatch(/pretty-printed/);
    const nv = await wx([
      'notify',
      'decrypt',
      '--capture',
      captureFile({ headers: ok.headers, body: pretty }),
      '--no-verify',
      '--json',
    ]);
    expect(nv.code).toBe(0);
    expect(nv.stderr).toMatch(/--no-verify: the signature is NOT checked/);
    expect(nv.json()).toMatchObject({ verified: 'skipped', resource: { trade_state: 'SUCCESS' } });
    const res = await wx(['notify', 'decrypt', '--resource', JSON.stringify(JSON.parse(ok.body).resource), '--json']);
    expect(res.code).toBe(0);
    expect(res.json().resource).toMatchObject({ amount: { total: 100 } });
    const aad = await wx([
      'notify',
      'decrypt',
      '--resource',
      JSON.stringify({ ...JSON.parse(ok.body).resource, associated_data: 'refund' }),
      '--json',
    ]);
    expect(aad.code).toBe(7);
    expect(aad.error().message).toMatch(/associated_data "refund" does not match original_type "transaction"/);
  });
});

describe('interop through the CLI', () => {
  it('notify verify/decrypt accept a notification built by wechatpay-axios-plugin', async () => {
    const plaintext = { mchid: sb.mchid, out_trade_no: 'AX-CLI', trade_state: 'SUCCESS', amount: { total: 321 } };
    const nonce = 'Rn0ncE123456';
    const body = JSON.stringify({
      id: 'EV-AX-CLI',
      create_time: '2026-11-28T10:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: Aes.AesGcm.encrypt(JSON.stringify(plaintext), v3Text, nonce, 'transaction'),
        associated_data: 'transaction',
        nonce,
      },
    });
    const ts = String(Formatter.timestamp());
    const n = Formatter.nonce(32);
    const headers = {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': n,
      'wechatpay-serial': sb.publicKeyId,
      'wechatpay-signature': Rsa.sign(Formatter.response(ts, n, body), sb.publicKeyPrivate),
    };
    const file = captureFile({ headers, body });
    expect((await wx(['notify', 'verify', '--capture', file])).code).toBe(0);
    const d = await wx(['notify', 'decrypt', '--capture', file, '--json']);
    expect(d.code).toBe(0);
    expect(d.json()).toMatchObject({ id: 'EV-AX-CLI', verified: true, resource: plaintext });
  });

  it('notify trigger sends what wechatpay-axios-plugin verifies and decrypts; --set and --amount apply', async () => {
    got.length = 0;
    sinkStatus = 204;
    const r = await wx([
      'notify',
      'trigger',
      'REFUND.SUCCESS',
      '--to',
      sinkUrl,
      '--sandbox-dir',
      sbDir,
      '--amount',
      '250',
      '--out-trade-no',
      'OT-9',
      '--set',
      'user_received_account=招商银行信用卡0403',
      '--sign-with',
      'cert',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ event_type: 'REFUND.SUCCESS', receiver: { status: 204 }, passed: true });
    const { headers, body } = got[0]!;
    const cert = sb.platform.at(-1)!;
    expect(headers['wechatpay-serial']).toBe(cert.serial);
    expect(
      Rsa.verify(
        Formatter.response(headers['wechatpay-timestamp'], headers['wechatpay-nonce'], body),
        headers['wechatpay-signature'],
        cert.certPem,
      ),
    ).toBe(true);
    const res = JSON.parse(body).resource;
    expect(JSON.parse(Aes.AesGcm.decrypt(res.ciphertext, v3Text, res.nonce, res.associated_data))).toMatchObject({
      out_trade_no: 'OT-9',
      refund_status: 'SUCCESS',
      user_received_account: '招商银行信用卡0403',
      amount: { refund: 250 },
    });
  });
});

describe('notify trigger / replay against receivers', () => {
  it('trigger reaches webhook serve (2xx) and a rejecting receiver fails with exit 4', async () => {
    expect((await wx(['notify', 'trigger', 'TRANSACTION.SUCCESS', '--to', srv.url, '--sandbox-dir', sbDir])).code).toBe(
      0,
    );
    sinkStatus = 500;
    const bad = await wx(['notify', 'trigger', 'REFUND.CLOSED', '--to', sinkUrl, '--sandbox-dir', sbDir, '--json']);
    sinkStatus = 204;
    expect(bad.code).toBe(4);
    expect(bad.error().code).toBe('NOTIFY_DELIVERY_FAILED');
  });

  it('trigger-decrypt-failed-hint: a receiver that cannot decrypt gets the APIv3-key hint, not "notify verify"', async () => {
    const other = '0123456789abcdef0123456789abcdef';
    const r = await runCli(
      ['notify', 'trigger', 'TRANSACTION.SUCCESS', '--to', srv.url, '--sandbox-dir', sbDir, '--config', rc, '--json'],
      { cwd: dir, env: { WXPAY_APIV3_KEY: other } },
    );
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({
      code: 'NOTIFY_DELIVERY_FAILED',
      hint: 'The receiver verified the signature but could not decrypt the resource: its APIv3 key is not the one this profile encrypted with. Give both the same 32-byte APIv3 key (`wxpay config show` says where this one came from).',
    });
  });

  it('--probe passes when webhook serve rejects it and fails (exit 6) when a receiver accepts it', async () => {
    const good = await wx([
      'notify',
      'trigger',
      'TRANSACTION.SUCCESS',
      '--probe',
      '--to',
      srv.url,
      '--sandbox-dir',
      sbDir,
      '--json',
    ]);
    expect(good.code).toBe(0);
    expect(good.json()).toMatchObject({ probe: true, receiver: { status: 401 }, passed: true });
    const naive = await wx([
      'notify',
      'trigger',
      'TRANSACTION.SUCCESS',
      '--probe',
      '--to',
      sinkUrl,
      '--sandbox-dir',
      sbDir,
      '--json',
    ]);
    expect(naive.code).toBe(6);
    expect(naive.error().code).toBe('NOTIFY_PROBE_ACCEPTED');
  });

  it('replay sends byte for byte and warns on a stale timestamp; --resign makes webhook serve accept it', async () => {
    got.length = 0;
    const stale = f.notify({ timestamp: String(Math.floor(Date.now() / 1000) - 3600), id: 'EV-OLD-1' });
    const file = captureFile(stale);
    const r = await wx(['notify', 'replay', file, '--to', sinkUrl]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/outside the ±300 s window/);
    expect(got[0]!.body).toBe(stale.body);
    expect(got[0]!.headers['wechatpay-signature']).toBe(stale.headers['Wechatpay-Signature']);
    const rejected = await wx(['notify', 'replay', file, '--to', srv.url]);
    expect(rejected.code).toBe(4);
    const resigned = await wx([
      'notify',
      'replay',
      file,
      '--to',
      srv.url,
      '--resign',
      '--sandbox-dir',
      sbDir,
      '--json',
    ]);
    expect(resigned.code).toBe(0);
    expect(resigned.json()).toMatchObject({ sent: 1, results: [{ id: 'EV-OLD-1', status: 204, resigned: true }] });
    // The journal webhook serve wrote replays too, filtered by --id.
    const j = await wx(['notify', 'replay', path.join(dir, 'j.ndjson'), '--id', 'EV-OLD-1', '--to', sinkUrl, '--json']);
    expect(j.code).toBe(0);
    expect(j.json().sent).toBe(1);
  });
});
