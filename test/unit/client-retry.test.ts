// Retries only where safe (GET; POST with an idempotency key), on network errors, 5xx, 202 and 429, never on
// other 4xx; failover to the backup domain on connect failure only for the default base URL; exactly one
// certificate refresh on an unknown serial; timeouts.
import { describe, expect, it, vi } from 'vitest';
import { BACKUP_BASE_URL } from '../../src/protocol/hosts.js';
import { backoffDelay, isRetriableStatus, retryAfterMs } from '../../src/http/retry.js';
import { keySet } from '../helpers/fixtures.js';
import { API_V3, setup } from './client-fake.js';
import { apiV3KeyFrom } from '../../src/protocol/aead.js';

const f = setup();
const Q = '/v3/pay/transactions/out-trade-no/T1?mchid=1900007291';
const connRefused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const sysErr = { code: 'SYSTEM_ERROR', message: '系统异常' };

describe('retry policy', () => {
  it('classifies statuses and computes jittered backoff', () => {
    expect([202, 429, 500, 503].map(isRetriableStatus)).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 200].map(isRetriableStatus)).toEqual([false, false, false, false, false]);
    expect(backoffDelay(1, 200, () => 0)).toBe(100);
    expect(backoffDelay(3, 200, () => 1)).toBe(800);
    expect(backoffDelay(1, 200, () => 0, 2000)).toBe(2000);
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
  });

  it('a GET succeeds after a 500 and a 429', async () => {
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(500, sysErr, null));
    f.pool
      .intercept({ path: Q, method: 'GET' })
      .reply(f.reply(429, { code: 'FREQUENCY_LIMITED', message: 'slow' }, null));
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(200, { trade_state: 'SUCCESS' }));
    const delays: number[] = [];
    const res = await f.mkClient({ sleep: async (ms) => void delays.push(ms) }).request({ method: 'GET', path: Q });
    expect(res).toMatchObject({ attempts: 3, data: { trade_state: 'SUCCESS' } });
    expect(delays).toHaveLength(2);
  });

  it('an idempotent POST is retried with the same body and a fresh signature; 3 attempts at most', async () => {
    const before = f.seen.length;
    for (let i = 0; i < 3; i++)
      f.pool.intercept({ path: '/v3/refund/domestic/refunds', method: 'POST' }).reply(f.reply(500, sysErr, null));
    const body = { out_refund_no: 'R1', amount: { refund: 1, total: 1, currency: 'CNY' } };
    await expect(
      f
        .mkClient({
          nonce: (() => {
            let n = 0;
            return () => `N${n++}`;
          })(),
        })
        .request({ method: 'POST', path: '/v3/refund/domestic/refunds', body, idempotent: true }),
    ).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { status: 500, code: 'SYSTEM_ERROR' },
      details: { attempts: 3 },
    });
    const sent = f.seen.slice(before);
    expect(sent.map((s) => s.body)).toEqual(Array(3).fill(JSON.stringify(body)));
    expect(new Set(sent.map((s) => s.headers.authorization)).size).toBe(3);
    expect(sent.every(f.signatureCoversBody)).toBe(true);
  });

  it('a POST without an idempotency key is not retried', async () => {
    const before = f.seen.length;
    f.pool.intercept({ path: '/v3/x', method: 'POST' }).reply(f.reply(500, sysErr, null));
    await expect(f.mkClient().request({ method: 'POST', path: '/v3/x', body: {} })).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
    });
    expect(f.seen.length - before).toBe(1);
  });

  it('a 400 is never retried, even for a GET', async () => {
    const before = f.seen.length;
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(400, { code: 'PARAM_ERROR', message: 'bad' }, null));
    await expect(f.mkClient().request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      exitCode: 5,
    });
    expect(f.seen.length - before).toBe(1);
  });

  it('network errors are retried, then exit 4', async () => {
    const other = f.agent.get('http://127.0.0.1:9');
    for (let i = 0; i < 3; i++)
      other
        .intercept({ path: '/v3/y', method: 'GET' })
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(
      f.mkClient({ baseUrl: 'http://127.0.0.1:9' }).request({ method: 'GET', path: '/v3/y' }),
    ).rejects.toMatchObject({ code: 'NETWORK', exitCode: 4, details: { attempts: 3 } });
  });

  it('fails over to the backup domain on connect failure, only from the default base URL', async () => {
    f.pool.intercept({ path: '/v3/x', method: 'POST' }).replyWithError(connRefused());
    f.agent
      .get(BACKUP_BASE_URL)
      .intercept({ path: '/v3/x', method: 'POST' })
      .reply(f.reply(200, { ok: true }));
    const res = await f.mkClient().request({ method: 'POST', path: '/v3/x', body: {} });
    expect(res).toMatchObject({ data: { ok: true }, attempts: 1 });
    const custom = f.agent.get('http://127.0.0.1:9');
    custom.intercept({ path: '/v3/x', method: 'POST' }).replyWithError(connRefused());
    await expect(
      f.mkClient({ baseUrl: 'http://127.0.0.1:9' }).request({ method: 'POST', path: '/v3/x', body: {} }),
    ).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('a total timeout is TIMEOUT, exit 4', async () => {
    // Fake timers: the answer is due in 2 s, the client gives up at 20 ms; neither is waited for in real time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      f.pool.intercept({ path: '/v3/slow', method: 'POST' }).reply(f.reply(200, {})).delay(2_000);
      let outcome: unknown = 'pending';
      const request = f.mkClient({ timeoutMs: 20 }).request({ method: 'POST', path: '/v3/slow', body: {} });
      request.catch((e: unknown) => (outcome = e));
      await vi.advanceTimersByTimeAsync(19);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toMatchObject({ code: 'TIMEOUT', exitCode: 4 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('platform certificate refresh', () => {
  const rotated = keySet('platform-rotated');
  const apiV3Key = apiV3KeyFrom(API_V3);

  it('an unknown serial triggers exactly one refresh, then both certificates verify', async () => {
    const before = f.seen.length;
    f.pool
      .intercept({ path: '/v3/certificates', method: 'GET' })
      .reply(f.reply(200, f.certList([f.platform, rotated]), rotated));
    f.pool
      .intercept({ path: Q, method: 'GET' })
      .reply(f.reply(200, { n: 1 }, rotated))
      .times(2);
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(200, { n: 2 }, f.platform));
    const client = f.mkClient({ apiV3Key });
    const oldStore = client.keys();
    expect((await client.request({ method: 'GET', path: Q })).data).toEqual({ n: 1 });
    expect((await client.request({ method: 'GET', path: Q })).data).toEqual({ n: 1 });
    expect((await client.request({ method: 'GET', path: Q })).data).toEqual({ n: 2 });
    expect(f.seen.slice(before).filter((s) => s.path === '/v3/certificates')).toHaveLength(1);
    expect(oldStore.has(rotated.serial)).toBe(false);
    expect(client.keys().has(rotated.serial)).toBe(true);
  });

  it('a serial still unknown after the refresh is VERIFY_UNKNOWN_SERIAL after one refresh', async () => {
    const before = f.seen.length;
    const stranger = keySet('stranger');
    f.pool
      .intercept({ path: '/v3/certificates', method: 'GET' })
      .reply(f.reply(200, f.certList([f.platform]), f.platform));
    f.pool
      .intercept({ path: Q, method: 'GET' })
      .reply(f.reply(200, { n: 1 }, stranger))
      .times(2);
    const client = f.mkClient({ apiV3Key });
    await expect(client.request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'VERIFY_UNKNOWN_SERIAL',
      exitCode: 6,
    });
    await expect(client.request({ method: 'GET', path: Q })).rejects.toMatchObject({ code: 'VERIFY_UNKNOWN_SERIAL' });
    expect(f.seen.slice(before).filter((s) => s.path === '/v3/certificates')).toHaveLength(1);
  });

  it('no refresh without the APIv3 key or for a PUB_KEY_ID_ serial', async () => {
    const before = f.seen.length;
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(200, { n: 1 }, rotated));
    await expect(f.mkClient().request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'VERIFY_UNKNOWN_SERIAL',
    });
    f.pool
      .intercept({ path: Q, method: 'GET' })
      .reply(f.reply(200, { n: 1 }, rotated, 'PUB_KEY_ID_0114232134912410000000000000000'));
    await expect(f.mkClient({ apiV3Key }).request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'VERIFY_UNKNOWN_SERIAL',
    });
    expect(f.seen.slice(before).filter((s) => s.path === '/v3/certificates')).toHaveLength(0);
  });

  it('certificate-list mode with a known certificate trusts only that certificate', async () => {
    f.pool
      .intercept({ path: '/v3/certificates', method: 'GET' })
      .reply(f.reply(200, f.certList([rotated]), rotated))
      .times(2);
    const { createKeyStore } = await import('../../src/protocol/keys.js');
    const client = f.mkClient({ apiV3Key });
    await expect(
      client.request({
        method: 'GET',
        path: '/v3/certificates',
        verify: 'certificate-list',
        trust: createKeyStore([[f.platform.serial, f.platform.publicKey]]),
      }),
    ).rejects.toMatchObject({ code: 'VERIFY_UNKNOWN_SERIAL' });
    const res = await client.request({ method: 'GET', path: '/v3/certificates', verify: 'certificate-list' });
    expect(res.certificates?.map((c) => c.serial)).toEqual([rotated.serial]);
  });
});

// Issue 12 "Bounded answers": past the cap the client stops and fails at once; asking again would not help.
describe('bounded answers', () => {
  it('a GET whose 500 error body is over 64 KiB fails RESPONSE_TOO_LARGE on the first attempt, not retried', async () => {
    const before = f.seen.length;
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(500, 'x'.repeat(64 * 1024 + 1), null));
    await expect(f.mkClient().request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      exitCode: 6,
      details: { status: 500, limitBytes: 65536 },
    });
    expect(f.seen.length - before).toBe(1);
  });

  it('exactly 64 KiB of error body is still read and reported as the WeChat Pay error', async () => {
    f.pool
      .intercept({ path: Q, method: 'GET' })
      .reply(
        f.reply(
          400,
          JSON.stringify({ code: 'PARAM_ERROR', message: 'm'.repeat(64 * 1024 - 36) }).padEnd(64 * 1024, ' '),
          null,
        ),
      );
    await expect(f.mkClient().request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { code: 'PARAM_ERROR' },
    });
  });

  it('a 2xx answer over 4 MiB fails RESPONSE_TOO_LARGE before any verification', async () => {
    f.pool.intercept({ path: Q, method: 'GET' }).reply(f.reply(200, { big: 'b'.repeat(4 * 1024 * 1024) }));
    await expect(f.mkClient().request({ method: 'GET', path: Q })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { status: 200, limitBytes: 4 * 1024 * 1024 },
    });
  });
});
