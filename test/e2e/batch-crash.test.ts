// Acceptance (issue 8), the crash test: spawn `wxpay refund create --from`, SIGKILL it at a random point three
// times, rerun each time, and compare the sandbox with one clean run of the same file: no doubles (no refund
// already made was ever sent again, per the journal and the sandbox's creation times) and no misses. Once as is,
// once with 500s, 429s, connection resets and slow answers injected on the refund endpoints.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchEnv, runInProcess, spawnCli, type BatchEnv } from '../helpers/batch-harness.js';

const REFUND = 'POST /v3/refund/domestic/refunds';
const N = 80;
const FAULTS = [
  { kind: '500', rate: 0.05, path: '/v3/refund/' },
  { kind: '429', rate: 0.03, path: '/v3/refund/' },
  { kind: 'reset', rate: 0.05, path: '/v3/refund/' },
  { kind: 'slow', rate: 0.1, delayMs: 150, path: '/v3/refund/' },
];

let env: BatchEnv;
beforeAll(async () => {
  env = await batchEnv();
});
afterAll(() => env.close());

function refundFile(prefix: string): string {
  const nos = Array.from({ length: N }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);
  env.seed(nos, 500);
  const file = path.join(env.dir, `${prefix}.csv`);
  writeFileSync(file, `out_trade_no,out_refund_no,amount,total,reason\n${nos.map((no, i) => `${no},R${no},${1 + ((i * 53) % 500)},500,crash test`).join('\n')}\n`);
  return file;
}

/** The sandbox's orders and refunds for one prefix, with the prefix and generated ids/times removed. */
function stateOf(prefix: string) {
  const snap = env.sb.state.snapshot();
  const strip = (s: string) => s.replace(prefix, '#');
  return {
    orders: snap.orders.filter((o) => o.outTradeNo.startsWith(prefix)).map((o) => [strip(o.outTradeNo), o.tradeState, o.total]).sort(),
    refunds: snap.refunds.filter((r) => r.outTradeNo.startsWith(prefix)).map((r) => [strip(r.outRefundNo), strip(r.outTradeNo), r.refund, r.total, r.status, r.reason]).sort(),
  };
}

const args = (file: string) => ['refund', 'create', '--from', file, '--yes', '--json', '--rate', '1000', '--concurrency', '8'];

describe.each([
  ['without faults', [] as typeof FAULTS],
  ['with 500, 429, reset and slow faults', FAULTS],
])('crash test %s', (name, faults) => {
  it('SIGKILL at three random points, rerun each time: the same sandbox state as one clean run', async () => {
    const tag = faults.length ? 'K' : 'C';
    const clean = refundFile(`${tag}CLEAN`);
    const crashed = refundFile(`${tag}CRASH`);
    const clean200 = env.ok(REFUND);
    const cleanRun = await runInProcess(args(clean), { cwd: env.init.dir, env: env.env });
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    expect(env.ok(REFUND) - clean200).toBe(N);

    if (faults.length) await env.admin('POST', '/sandbox/faults', { faults });
    const before200 = env.ok(REFUND);
    const kills: string[] = [];
    for (let k = 0; k < 3; k++) {
      const after = 1 + Math.floor(Math.random() * (N / 3));
      const delay = Math.floor(Math.random() * 30);
      let rows = 0;
      const r = await spawnCli(args(crashed), {
        cwd: env.init.dir, env: env.env,
        onLine(line, child) {
          const e = JSON.parse(line) as { type: string; fromJournal?: boolean };
          if (e.type === 'row' && !e.fromJournal && ++rows === after) setTimeout(() => child.kill('SIGKILL'), delay);
        },
      });
      kills.push(`${name}: kill ${k + 1} after ${after} rows + ${delay} ms -> ${r.signal ?? r.code}`);
      expect([null, 0, 4, 5]).toContain(r.code);
    }
    const last = await spawnCli(args(crashed), { cwd: env.init.dir, env: env.env });
    await env.admin('DELETE', '/sandbox/faults');
    expect(last.code, `${kills.join('\n')}\n${last.stderr}`).toBe(0);

    expect(stateOf(`${tag}CRASH`)).toEqual(stateOf(`${tag}CLEAN`));
    // No refund that already existed was sent again: every `start` in the journal (written before its POST)
    // predates the refund's creation in the sandbox. (The server's 200 log can't show this: an answer to a
    // killed client is never logged, so it holds at most N.)
    const created = new Map(env.sb.state.snapshot().refunds.map((r) => [r.outRefundNo, r.createTime]));
    const journal = readFileSync(crashed.replace(/\.csv$/, '.journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; key: string; at: string });
    const starts = journal.filter((j) => j.type === 'start');
    expect(new Set(starts.map((j) => j.key)).size).toBe(N);
    expect(starts.filter((j) => Date.parse(j.at) > created.get(j.key)!).map((j) => j.key), kills.join('\n')).toEqual([]);
    expect(env.ok(REFUND) - before200).toBeLessThanOrEqual(N);
    const result = readFileSync(crashed.replace(/\.csv$/, '.result.csv'), 'utf8').trim().split('\r\n').slice(1);
    expect(result).toHaveLength(N);
    expect(result.every((l) => l.split(',')[5] === 'succeeded')).toBe(true);
  }, 180_000);
});

describe('a real SIGINT', () => {
  it('finishes the rows in flight, exits 4 with the command that resumes, and the rerun finishes the rest', async () => {
    const file = refundFile('SIGINT');
    let rows = 0;
    const r = await spawnCli([...args(file), '--rate', '200'], {
      cwd: env.init.dir, env: env.env,
      onLine(line, child) {
        if ((JSON.parse(line) as { type: string }).type === 'row' && ++rows === 10) child.kill('SIGINT');
      },
    });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('Stopping: finishing the requests in flight');
    expect(r.stderr).toContain(`To resume, run: wxpay refund create --from ${file} --yes --concurrency 8 --rate 200`);
    const journal = readFileSync(file.replace(/\.csv$/, '.journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; key: string });
    const done = new Set(journal.filter((j) => j.type === 'done').map((j) => j.key));
    expect(journal.filter((j) => j.type === 'start').every((j) => done.has(j.key))).toBe(true);
    expect(done.size).toBeLessThan(N);
    const again = await spawnCli(args(file), { cwd: env.init.dir, env: env.env });
    expect(again.code, again.stderr).toBe(0);
    expect(env.sb.state.snapshot().refunds.filter((x) => x.outTradeNo.startsWith('SIGINT'))).toHaveLength(N);
  }, 60_000);
});
