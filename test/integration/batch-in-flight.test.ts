// Regression (the crash test's "every start predates the refund's creation" failing under the `slow` fault): a
// run killed while WeChat Pay still holds one of its refund POSTs. The rerun's look-up answers 404 because the
// refund does not exist yet; it exists a moment later, when the held request is handled. Such a 404 is not "not
// made": the rerun must wait until that request can no longer be in WeChat Pay's hands (the request timeout after
// its `start`), ask again, and then neither send the row again nor forget the refund in the ledger (which would let
// a renamed row refund the same order twice). Deterministic: the held POST is sent by the test itself.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, it, type TestContext } from 'vitest';
import { refundBody, refundRequest, type RefundInput } from '../../src/api/refunds.js';
import { loadConfig } from '../../src/config/config.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

const REFUND = 'POST /v3/refund/domestic/refunds';
// Held long enough for the rerun to start and look up under load; the rerun's timeout is longer still.
const HOLD_MS = 3000;
const TIMEOUT_MS = 4500;

beforeAll(async () => {
  // Load the batch command's modules once, so the reruns below reach the sandbox while it still holds the POST.
  const env = await batchEnv();
  try {
    const warm = path.join(env.dir, 'warm.csv');
    writeFileSync(warm, 'out_trade_no,out_refund_no,amount,total\nWARM000001,RWARM1,1,500\n');
    await runInProcess(['refund', 'create', '--from', warm, '--dry-run'], { cwd: env.init.dir, env: env.env });
  } finally {
    await env.close();
  }
});

/** A case's world: a sandbox of its own (its faults, request log and refund counter are the case's alone, so the two
 *  cases run at the same time: each is mostly the rerun waiting out TIMEOUT_MS, which one after the other doubled
 *  the file's time for no more CPU). */
async function world({ onTestFinished }: TestContext): Promise<BatchEnv> {
  const env = await batchEnv();
  onTestFinished(() => env.close());
  return env;
}

const posts = (env: BatchEnv) => env.sb.context.stats.get(REFUND) ?? 0;
const journalOf = (file: string) =>
  readFileSync(file.replace(/\.csv$/, '.journal.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; key: string; at: string });

/** A run that was SIGKILLed right after its refund POST left: its journal says `start`, and the sandbox holds the
 *  POST for HOLD_MS before it handles it. Returns the held request, settled when the sandbox has answered it. */
async function killedMidRequest(
  env: BatchEnv,
  name: string,
  order: string,
  outRefundNo: string,
): Promise<{ held: Promise<unknown> }> {
  const { notifyUrl } = await loadConfig({ cwd: env.init.dir, env: { WXPAY_BASE_URL: env.sb.url } });
  env.seed([order], 500);
  const input: RefundInput = { outTradeNo: order, outRefundNo, refund: 100, total: 500, reason: 'held' };
  const journal = path.join(env.dir, `${name}.journal.ndjson`);
  const at = new Date().toISOString();
  const records = [
    { type: 'batch', v: 1, kind: 'refund', input: path.join(env.dir, `${name}.csv`), at },
    {
      type: 'start',
      key: outRefundNo,
      line: 2,
      request: refundBody({ ...input, ...(notifyUrl ? { notifyUrl } : {}) }),
      at,
    },
  ];
  writeFileSync(journal, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await env.admin('POST', '/sandbox/faults', {
    faults: [{ kind: 'slow', delayMs: HOLD_MS, count: 1, path: '/v3/refund/' }],
  });
  const before = posts(env);
  const held = env.client
    .request({ ...refundRequest({ ...input, ...(notifyUrl ? { notifyUrl } : {}) }), idempotent: false })
    .catch(() => undefined);
  while (posts(env) === before) await new Promise((r) => setTimeout(r, 5));
  return { held };
}

/** The rerun's look-ups of `outRefundNo`, by answer status: a 404 first shows the rerun asked while the POST was held. */
const lookups = (env: BatchEnv, outRefundNo: string) =>
  env.log.filter((e) => e.method === 'GET' && e.url.endsWith(`/${outRefundNo}`)).map((e) => e.status);

const rerun = (env: BatchEnv, file: string) =>
  runInProcess(['refund', 'create', '--from', file, '--yes', '--json'], {
    cwd: env.init.dir,
    env: { ...env.env, WXPAY_TIMEOUT_MS: String(TIMEOUT_MS) },
  });

describe.concurrent('a refund WeChat Pay still holds when the rerun starts', () => {
  it('is found by a second look-up once the request timeout has passed, and is never sent again', async (ctx) => {
    const { expect } = ctx;
    const env = await world(ctx);
    const { held } = await killedMidRequest(env, 'held', 'HELD000001', 'RHELD1');
    const file = path.join(env.dir, 'held.csv');
    writeFileSync(file, 'out_trade_no,out_refund_no,amount,total,reason\nHELD000001,RHELD1,100,500,held\n');
    const sent = posts(env);
    const r = await rerun(env, file);
    await held;
    await env.admin('DELETE', '/sandbox/faults');
    expect(r.code, r.stderr).toBe(0);
    // Only the killed run's POST ever reached WeChat Pay; the rerun only looked the refund up.
    expect(posts(env) - sent).toBe(0);
    expect(lookups(env, 'RHELD1')).toEqual([404, 200]);
    expect(journalOf(file).filter((j) => j.type === 'start')).toHaveLength(1);
    expect(journalOf(file).some((j) => j.type === 'absent')).toBe(false);
    const refunds = env.sb.state.snapshot().refunds.filter((x) => x.outTradeNo === 'HELD000001');
    expect(refunds.map((x) => [x.outRefundNo, x.refund])).toEqual([['RHELD1', 100]]);
  });

  it('is not forgotten by the ledger: a row renamed after the crash is refused, so the order is refunded once', async (ctx) => {
    const { expect } = ctx;
    const env = await world(ctx);
    const { held } = await killedMidRequest(env, 'renamed', 'HELD000002', 'RHELD2');
    const file = path.join(env.dir, 'renamed.csv');
    writeFileSync(file, 'out_trade_no,out_refund_no,amount,total,reason\nHELD000002,RHELD2X,100,500,held\n');
    const r = await rerun(env, file);
    await held;
    await env.admin('DELETE', '/sandbox/faults');
    expect(r.code, r.stderr).toBe(5);
    expect(r.error).toMatchObject({ code: 'BATCH_ALREADY_REFUNDED' });
    expect(r.stderr).toMatch(/waiting up to [1-5] s \(the request timeout\) in case it is still being made/);
    expect(lookups(env, 'RHELD2')).toEqual([404, 200]);
    const refunds = env.sb.state.snapshot().refunds.filter((x) => x.outTradeNo === 'HELD000002');
    expect(refunds.map((x) => [x.outRefundNo, x.refund])).toEqual([['RHELD2', 100]]);
  });
});
