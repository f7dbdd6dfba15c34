// The batch executor against a fake WeChat Pay that does NOT deduplicate out_refund_no, so "exactly once"
// rests on the journal and the look-up alone. Includes a crash model: the process dies at every possible
// journal write, the journal as it was on disk is replanned, and the rerun must end with each refund once.
import { fc } from '../helpers/fc.js';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/batch/flow.js';
import { foldJournal, planBatch } from '../../src/batch/plan.js';
import { runBatch, type BatchOps } from '../../src/batch/runner.js';
import type { BatchRow, JournalRecord, Outcome } from '../../src/batch/types.js';

const rows: BatchRow[] = Array.from({ length: 8 }, (_, i) => ({
  line: i + 2,
  key: `R${i}`,
  outTradeNo: `ORDER${i}`,
  outRefundNo: `R${i}`,
  amount: 10 + i,
  total: 100,
}));
const body = (r: BatchRow) => ({ out_refund_no: r.outRefundNo, amount: r.amount });

type Script = (key: string, call: number) => 'ok' | 'lost' | '500' | '429' | 'spacing' | 'reject' | 'lookup-401';

/** A fake WeChat Pay: every send creates a refund (no dedup); `script` decides what the caller hears. */
function fakeWechat(script: Script = () => 'ok') {
  const refunds: Array<{ key: string; amount: number }> = [];
  const calls = new Map<string, number>();
  const next = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return script(key, n);
  };
  const ops: BatchOps = {
    mutating: true,
    request: body,
    async send(row): Promise<Exclude<Outcome, { kind: 'not-found' }>> {
      const s = next(row.key);
      if (s === '500' || s === '429')
        return {
          kind: 'unknown',
          code: s === '500' ? 'SYSTEM_ERROR' : 'FREQUENCY_LIMITED',
          message: s,
          rateLimited: s === '429',
        };
      if (s === 'spacing')
        return { kind: 'unknown', code: 'FREQUENCY_LIMITED', message: 's', rateLimited: false, retryAfterMs: 61_000 };
      if (s === 'reject') return { kind: 'rejected', code: 'NOT_ENOUGH', message: 'no money' };
      refunds.push({ key: row.key, amount: row.amount! });
      // 'lost': applied by WeChat Pay, but the answer never arrived (timeout, reset).
      return s === 'lost'
        ? { kind: 'unknown', code: 'TIMEOUT', message: 'timed out', rateLimited: false, inFlight: true }
        : { kind: 'succeeded', id: `RF-${row.key}`, state: 'PROCESSING' };
    },
    async lookup(row) {
      if (script(row.key, 0) === 'lookup-401')
        return {
          kind: 'unknown',
          code: 'SIGN_ERROR',
          message: 'look-up refused',
          rateLimited: false,
          retriable: false,
        };
      return refunds.some((r) => r.key === row.key)
        ? { kind: 'succeeded', id: `RF-${row.key}`, state: 'SUCCESS' }
        : { kind: 'not-found' };
    },
  };
  return { ops, refunds, calls };
}

const memJournal = (records: JournalRecord[], crashAfter = Infinity) => ({
  async append(r: JournalRecord) {
    if (records.length >= crashAfter) throw new Error('killed');
    records.push(r);
  },
});

async function run(
  ops: BatchOps,
  records: JournalRecord[],
  opts: {
    crashAfter?: number;
    concurrency?: number;
    stopped?: () => boolean;
    sleep?: (ms: number) => Promise<void>;
    limiter?: RateLimiter;
  } = {},
) {
  const planned = planBatch({ rows, states: foldJournal(records, 'refund'), requestOf: body, lookupFirst: true });
  if (!('plan' in planned)) throw new Error('conflict');
  // A clock whose sleeps take no time, so FREQUENCY_LIMITED pauses cost the test nothing.
  let t = 0;
  const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
  return runBatch({
    plan: planned.plan.rows,
    ops,
    journal: memJournal(records, opts.crashAfter),
    limiter: opts.limiter ?? new RateLimiter({ rate: 1e6, clock }),
    concurrency: opts.concurrency ?? 3,
    inFlightMs: 30_000,
    retryDelayMs: () => 0,
    sleep: opts.sleep ?? (async () => undefined),
    ...(opts.stopped ? { stopped: opts.stopped } : {}),
  });
}

describe('runBatch', () => {
  it('journals start before and done after each send, and returns results in input order', async () => {
    const w = fakeWechat();
    const records: JournalRecord[] = [];
    const results = await run(w.ops, records);
    expect(results.map((r) => [r.key, r.status, r.id])).toEqual(rows.map((r) => [r.key, 'succeeded', `RF-${r.key}`]));
    for (const r of rows) {
      const mine = records.filter((x) => 'key' in x && x.key === r.key).map((x) => x.type);
      expect(mine).toEqual(['start', 'done']);
    }
  });

  it('after a lost answer looks the refund up and does not send it again', async () => {
    const w = fakeWechat((key, n) => (key === 'R3' && n === 1 ? 'lost' : 'ok'));
    const records: JournalRecord[] = [];
    const results = await run(w.ops, records);
    expect(w.refunds.filter((r) => r.key === 'R3')).toHaveLength(1);
    expect(results[3]).toMatchObject({
      status: 'succeeded',
      state: 'SUCCESS',
      message: 'already done (found by look-up)',
    });
    expect(records.filter((x) => 'key' in x && x.key === 'R3').map((x) => x.type)).toEqual([
      'start',
      'unknown',
      'done',
    ]);
  });

  it('regression (crash test, slow fault): a "not found" while the unanswered send may still be in WeChat Pay\'s hands is asked again after the request timeout, not resent', async () => {
    // The connection dropped (no answer) at t=0; WeChat Pay handles the request at t=400; the timeout is 1000.
    let t = 0;
    const refunds: number[] = [];
    let sends = 0;
    const ops: BatchOps = {
      mutating: true,
      request: body,
      send() {
        sends += 1;
        if (sends === 1) {
          return Promise.resolve({
            kind: 'unknown',
            code: 'NETWORK',
            message: 'reset',
            rateLimited: false,
            inFlight: true,
          });
        }
        refunds.push(t);
        return Promise.resolve({ kind: 'succeeded', id: 'RF', state: 'PROCESSING' });
      },
      lookup: () =>
        Promise.resolve(t >= 400 ? { kind: 'succeeded', id: 'RF', state: 'SUCCESS' } : { kind: 'not-found' }),
    };
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const records: JournalRecord[] = [];
    const results = await runBatch({
      plan: [{ row: rows[0]!, action: 'send' }],
      ops,
      journal: memJournal(records),
      limiter: new RateLimiter({ rate: 1e6, clock }),
      concurrency: 1,
      inFlightMs: 1000,
      retryDelayMs: () => 50,
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(sends).toBe(1);
    expect(refunds).toEqual([]);
    expect(results[0]).toMatchObject({ status: 'succeeded', state: 'SUCCESS' });
    expect(t).toBe(1000);
    expect(records.map((r) => r.type)).toEqual(['start', 'unknown', 'done']);
  });

  it('a "not found" after an answered failure (500: WeChat Pay is done with the request) is trusted at once', async () => {
    const w = fakeWechat((key, n) => (key === 'R1' && n === 1 ? '500' : 'ok'));
    let waited = 0;
    await run(w.ops, [], { sleep: async (ms) => void (waited += ms) });
    expect(waited).toBe(0);
    expect(w.refunds.filter((r) => r.key === 'R1')).toHaveLength(1);
  });

  it('after a 500 or 429 (nothing applied) looks up, finds nothing, and resends the same body', async () => {
    const w = fakeWechat((key, n) => (key === 'R1' && n === 1 ? '500' : key === 'R2' && n < 3 ? '429' : 'ok'));
    const records: JournalRecord[] = [];
    const results = await run(w.ops, records);
    expect(results.every((r) => r.status === 'succeeded')).toBe(true);
    expect(w.refunds.map((r) => r.key).sort()).toEqual(rows.map((r) => r.key).sort());
    const starts = records.filter(
      (x): x is Extract<JournalRecord, { type: 'start' }> => x.type === 'start' && x.key === 'R2',
    );
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((s) => JSON.stringify(s.request))).size).toBe(1);
  });

  // Issue 22 row 6: "同一笔订单多次退款的请求需相隔1分钟" (pay.weixin.qq.com/doc/v3/merchant/4012556457). That
  // refusal is about one order: the row waits a minute, then looks up and resends; the batch's rate is untouched.
  it('a refund refused for a refund of the same order under a minute ago waits a minute, then is sent once', async () => {
    const w = fakeWechat((key, n) => (key === 'R4' && n === 1 ? 'spacing' : 'ok'));
    const slept: number[] = [];
    let t = 0;
    const limiter = new RateLimiter({ rate: 1e6, clock: { now: () => t, sleep: async (ms) => void (t += ms) } });
    const results = await run(w.ops, [], { sleep: async (ms) => void slept.push(ms), limiter });
    expect(results[4]).toMatchObject({ status: 'succeeded', id: 'RF-R4' });
    expect(w.refunds.filter((r) => r.key === 'R4')).toHaveLength(1);
    expect(slept.reduce((a, b) => a + b, 0)).toBe(61_000);
    expect(Math.max(...slept)).toBe(500);
    expect(limiter.slowdowns).toBe(0);
  });

  it('a stop during that minute is seen within half a second', async () => {
    const w = fakeWechat((key, n) => (key === 'R4' && n === 1 ? 'spacing' : 'ok'));
    let slept = 0;
    const results = await run(w.ops, [], {
      concurrency: 1,
      sleep: async (ms) => void (slept += ms),
      stopped: () => slept >= 1_000,
    });
    expect(slept).toBe(1_000);
    expect(results[4]).toMatchObject({ status: 'unknown', code: 'FREQUENCY_LIMITED' });
  });

  it('records a refusal as finished, and leaves a row unknown (not done) when its look-up is refused', async () => {
    const w = fakeWechat((key, n) =>
      key === 'R0' ? 'reject' : key === 'R5' && n === 1 ? 'lost' : key === 'R5' ? 'lookup-401' : 'ok',
    );
    const records: JournalRecord[] = [];
    const results = await run(w.ops, records);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'NOT_ENOUGH' });
    expect(results[5]).toMatchObject({ status: 'unknown', code: 'SIGN_ERROR' });
    expect(records.some((x) => x.type === 'done' && x.key === 'R5')).toBe(false);
    expect(w.calls.get('R0')).toBe(1);
  });

  it('gives up on a row after maxAttempts in one run and leaves it unknown for the next', async () => {
    const w = fakeWechat((key) => (key === 'R7' ? '500' : 'ok'));
    const results = await run(w.ops, []);
    expect(results[7]).toMatchObject({ status: 'unknown', code: 'SYSTEM_ERROR' });
    expect(w.calls.get('R7')).toBe(8);
  });

  it('stops taking rows when stopped, marking untouched rows pending', async () => {
    const w = fakeWechat();
    let n = 0;
    const results = await run(w.ops, [], { concurrency: 1, stopped: () => n++ >= 3 });
    expect(results.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
    expect(
      results.filter((r) => r.status === 'succeeded').length + results.filter((r) => r.status === 'pending').length,
    ).toBe(rows.length);
  });

  it('property: any faults on any attempt, killed at three random journal writes, then a clean rerun: each refund once', async () => {
    const answer = fc.constantFrom('ok', 'ok', 'lost', '500', '429');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(answer, { minLength: 1, maxLength: 4 }), { minLength: rows.length, maxLength: rows.length }),
        fc.array(fc.nat({ max: 30 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        async (scripts, crashes, concurrency) => {
          const byKey = new Map(rows.map((r, i) => [r.key, scripts[i]!]));
          const w = fakeWechat((key, n) => (n === 0 ? 'ok' : (byKey.get(key)![n - 1] ?? 'ok')));
          const records: JournalRecord[] = [];
          for (const c of crashes)
            await run(w.ops, records, { crashAfter: records.length + c, concurrency }).catch((e: unknown) =>
              expect((e as Error).message).toBe('killed'),
            );
          const results = await run(w.ops, records, { concurrency });
          // At most 4 failures per row are scripted, fewer than the 8 attempts of one run: the last run finishes all.
          expect(results.map((r) => r.status)).toEqual(rows.map(() => 'succeeded'));
          const counts = new Map<string, number>();
          for (const r of w.refunds) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
          expect([...counts].sort()).toEqual(rows.map((r) => [r.key, 1]).sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('crash at every journal write, with lost answers and 500s, then rerun: every refund exactly once', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let crashAfter = 0; crashAfter < 40; crashAfter++) {
      const faults = new Map(rows.map((r) => [r.key, rand() < 0.3 ? 'lost' : rand() < 0.3 ? '500' : 'ok'] as const));
      const w = fakeWechat((key, n) => (n === 1 ? faults.get(key)! : 'ok'));
      const records: JournalRecord[] = [];
      await run(w.ops, records, { crashAfter }).catch((e: unknown) => expect((e as Error).message).toBe('killed'));
      const results = await run(w.ops, records);
      expect(results.every((r) => r.status === 'succeeded')).toBe(true);
      expect(w.refunds.map((r) => r.key).sort()).toEqual(rows.map((r) => r.key).sort());
    }
  });
});
