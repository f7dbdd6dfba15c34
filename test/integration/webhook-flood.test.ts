// Issue 13, a listener that floods cannot stop: a rejected request is journalled as a bounded digest, rejections
// per source address are limited by a token bucket (429 past it, one summary line per interval), and connections
// and body bytes held at once are capped. (Rates, memory and the 1 GB restart are measured in bench/flood.mjs.)
import { createHash, createSecretKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rejectDigest } from '../../src/webhook/rejections.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_INFLIGHT_BYTES, startWebhookServer } from '../../src/webhook/server.js';
import { apiV3Key, makeFixture, WRONG_V3_KEY_TEXT } from './webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-flood-'));
afterAll(() => removeTemp(dir));

const post = (url: string, headers: Record<string, string>, body: string | Buffer) =>
  fetch(url, { method: 'POST', headers, body }).then(async (r) => (await r.text(), r.status));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

/** Opens a socket and sends `head`; resolves once connected. */
function openSocket(port: number, head = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      if (head) s.write(head);
      resolve(s);
    });
    // Flowing, so that the server's FIN is read and 'end' then 'close' follow: a paused socket with nothing read
    // may never see its end, and a close the server did make would look like a connection held open.
    s.resume();
    s.on('error', reject);
  });
}

describe('webhook serve under a flood', () => {
  it('rejected-body-digest: a rejected request is journalled as a bounded digest, never its body', async () => {
    const journalPath = path.join(dir, 'digest.ndjson');
    const srv = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath });
    const n = f.notify();
    // Control bytes: JSON would write each as \u00XX (6x); 512 KiB of them was once ~3 MiB of journal.
    const junk = Buffer.alloc(512 * 1024, 0x01);
    expect(await post(srv.url, { ...n.headers, 'X-Junk': 'y'.repeat(4000) }, junk)).toBe(401);
    await srv.close();
    const [line] = lines(journalPath);
    expect(line!.length).toBeLessThan(4096);
    const d = JSON.parse(line!);
    expect(d).toMatchObject({
      outcome: 'rejected',
      status: 401,
      code: 'VERIFY_BAD_SIGNATURE',
      method: 'POST',
      path: '/',
      remote: '127.0.0.1',
      bodyBytes: junk.length,
      bodySha256: createHash('sha256').update(junk).digest('hex'),
    });
    expect(Buffer.from(d.bodyHeadBase64, 'base64')).toEqual(junk.subarray(0, 1024));
    expect(d.headers).toEqual({
      'content-type': 'application/json',
      'content-length': String(junk.length),
      'request-id': n.headers['Request-ID'],
      'wechatpay-serial': n.headers['Wechatpay-Serial'],
      'wechatpay-timestamp': n.headers['Wechatpay-Timestamp'],
      'wechatpay-nonce': n.headers['Wechatpay-Nonce'],
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
      'user-agent': expect.any(String),
    });
    expect(d).not.toHaveProperty('body');
    // A callback that verified but does not decrypt (our APIv3 key is wrong) came from WeChat Pay: kept whole.
    const other = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath });
    const sealedWrong = f.notify({ apiV3Key: createSecretKey(Buffer.from(WRONG_V3_KEY_TEXT)) });
    expect(await post(other.url, sealedWrong.headers, sealedWrong.body)).toBe(500);
    await other.close();
    expect(JSON.parse(lines(journalPath)[1]!)).toMatchObject({
      outcome: 'rejected',
      status: 500,
      code: 'DECRYPT_FAILED',
      body: sealedWrong.body,
      headers: { 'wechatpay-signature': sealedWrong.headers['Wechatpay-Signature'] },
    });
    // Readable text stays readable.
    expect(
      rejectDigest(
        { method: 'POST', path: '/', headers: {}, rawBody: Buffer.from('order=1'), receivedAt: 't' },
        400,
        'NOTIFY_NOT_JSON',
      ),
    ).toMatchObject({ bodyHead: 'order=1', bodyBytes: 7 });
  });

  it('rejection-rate-limit: past the bucket, 429 and one summary line per interval; valid callbacks still get 204', async () => {
    const journalPath = path.join(dir, 'bucket.ndjson');
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath,
      rejectionLimits: { burst: 5, perSecond: 0.001 },
      summaryIntervalMs: 200,
    });
    const n = f.notify();
    // Sent at once: each 429 waits out the 50 ms tarpit, and one after the other those waits were ~2.3 s. The bucket
    // admits exactly 5 whatever the order they arrive in.
    const junk = (count: number, body: (i: number) => string) =>
      Promise.all(Array.from({ length: count }, (_, i) => post(srv.url, n.headers, body(i))));
    const statuses = await junk(40, (i) => `junk ${i}`);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(await post(srv.url, n.headers, n.body)).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(await junk(10, () => 'more junk')).toEqual(Array(10).fill(429));
    await srv.close();
    const journal = lines(journalPath).map((l) => JSON.parse(l));
    expect(journal.filter((l) => l.outcome === 'rejected')).toHaveLength(5);
    expect(journal.filter((l) => l.outcome === 'accepted')).toHaveLength(1);
    // One line per interval (how many intervals the 45 spanned depends on the machine's speed), counting every 429.
    const summaries = journal.filter((l) => l.outcome === 'rate_limited');
    expect(summaries.reduce((a: number, l: { count: number }) => a + l.count, 0)).toBe(45);
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    for (const l of summaries)
      expect(l).toMatchObject({ status: 429, sources: 1, top: [{ remote: '127.0.0.1', count: l.count }] });
    for (let i = 1; i < summaries.length - 1; i++)
      expect(Date.parse(summaries[i].to) - Date.parse(summaries[i].from)).toBeGreaterThanOrEqual(190);
  });

  it('connection-cap: connections past --max-connections are closed at once', async () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBe(256);
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: path.join(dir, 'conns.ndjson'),
      maxConnections: 3,
    });
    const port = Number(new URL(srv.url).port);
    const held = await Promise.all([1, 2, 3].map(() => openSocket(port)));
    await new Promise((r) => setTimeout(r, 50));
    const extra = await openSocket(port);
    const closed = await new Promise<boolean>((resolve) => {
      extra.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 2_000);
    });
    expect(closed).toBe(true);
    for (const s of held) s.destroy();
    await srv.close();
  });

  it('a connection that never sends a byte is closed after the headers timeout, not held forever against the cap (silent-connection-held-forever)', async () => {
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: path.join(dir, 'silent.ndjson'),
      maxConnections: 3,
      limits: { headersTimeoutMs: 500, checkIntervalMs: 100 },
    });
    const port = Number(new URL(srv.url).port);
    const silent = await Promise.all([1, 2, 3].map(() => openSocket(port)));
    const closed = await Promise.all(
      silent.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            s.on('close', () => resolve(true));
            setTimeout(() => resolve(false), 5_000);
          }),
      ),
    );
    expect(closed).toEqual([true, true, true]);
    await srv.close();
  });

  it('inflight-body-cap: slow big uploads past --max-inflight-bytes get 503 at once; a real callback still gets 204', async () => {
    expect(DEFAULT_MAX_INFLIGHT_BYTES).toBe(16 * 1024 * 1024);
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: path.join(dir, 'inflight.ndjson'),
      maxInflightBytes: 2 * 1024 * 1024,
    });
    const port = Number(new URL(srv.url).port);
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024}\r\n\r\n${'z'.repeat(1000)}`;
    // The first 1 MiB upload fits (big bodies share the budget less its last MiB, kept for small ones); the rest do not.
    const slow = await Promise.all([1, 2, 3].map(() => openSocket(port, head)));
    const answers = await Promise.all(
      slow.slice(1).map(
        (s) =>
          new Promise<string>((resolve) => {
            let got = '';
            s.on('data', (d: Buffer) => (got += d.toString('latin1')));
            s.on('close', () => resolve(got));
          }),
      ),
    );
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 503 /);
    const n = f.notify();
    expect(await post(srv.url, n.headers, n.body)).toBe(204);
    slow[0]!.destroy();
    await srv.close();
  });

  it('unknown-serial-reload-throttle: a burst of unknown serials re-reads the certificates at most once a second', async () => {
    let reads = 0;
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: path.join(dir, 'reload.ndjson'),
      reloadKeys: async () => (reads++, f.keys),
    });
    const n = f.notify();
    const unknown = { ...n.headers, 'Wechatpay-Serial': 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' };
    const t0 = Date.now();
    for (let i = 0; i < 10; i++) expect(await post(srv.url, unknown, n.body)).toBe(401);
    const seconds = Math.floor((Date.now() - t0) / 1000);
    await srv.close();
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(1 + seconds);
  });
});
