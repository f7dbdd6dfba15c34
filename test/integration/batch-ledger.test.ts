// Acceptance (issue 13) against the sandbox, with the CLI run in-process: the refund ledger per order (a renamed
// out_refund_no is refused after a finished row and after a row killed mid-request; sums are checked across
// runs; a new journal for orders another journal has seen needs --yes), read-only batches that are always
// fresh, and the exit-code rule of a stopped batch (issue 14).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefund } from '../../src/api/refunds.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

let env: BatchEnv;
beforeAll(async () => {
  env = await batchEnv();
});
afterAll(() => env.close());

function csv(name: string, lines: string[]): string {
  const file = path.join(env.dir, `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const resultRows = (file: string) => readFileSync(file.replace(/\.csv$/, '.result.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
const requests = (route: string, since: number) => env.log.slice(since).filter((e) => e.route === route);
const run = (args: string[], o: Partial<Parameters<typeof runInProcess>[1]> = {}) => runInProcess(args, { cwd: env.init.dir, env: env.env, ...o });

describe('a stopped batch (issue 14)', () => {
  it('Ctrl-C with a rejected row exits 4 (unfinished wins: rerun first), and the resume hint keeps --yes', async () => {
    const nos = Array.from({ length: 60 }, (_, i) => `STOPREJ${String(i).padStart(4, '0')}`);
    env.seed(nos, 100);
    await createRefund(env.client, { outTradeNo: nos[0]!, outRefundNo: 'PRE-STOPREJ', refund: 60, total: 100 });
    const file = csv('stoprej', ['out_trade_no,out_refund_no,amount,total', ...nos.map((no) => `${no},R${no},50,100`)]);
    let rows = 0;
    const r = await run(['refund', 'create', '--from', file, '--json', '--yes', '--concurrency', '1', '--rate', '2000'], {
      onStdoutLine: (line, sigint) => void (JSON.parse(line).type === 'row' && ++rows === 5 && sigint()),
    });
    expect(r.code, r.stderr).toBe(4);
    expect(r.error).toMatchObject({
      code: 'BATCH_INTERRUPTED',
      message: expect.stringMatching(/^Interrupted: \d+ of 60 rows finished \(1 rejected by WeChat Pay; see /),
      hint: `To resume, run: wxpay refund create --from ${file} --yes --concurrency 1 --rate 2000`,
    });
    const again = await run(['refund', 'create', '--from', file, '--yes']);
    expect(again.code).toBe(5);
    expect(again.error).toMatchObject({ code: 'BATCH_REJECTED' });
  });
});

describe('read-only batches are always fresh', () => {
  it('query --from asks again for every row on every run: a refund made in between shows as REFUND (query-from-stale-state)', async () => {
    env.seed(['FRESHQ0001', 'FRESHQ0002'], 100);
    const file = csv('freshq', ['out_trade_no', 'FRESHQ0001', 'FRESHQ0002']);
    const first = await run(['query', '--from', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(resultRows(file).map((c) => c[4])).toEqual(['SUCCESS', 'SUCCESS']);
    await createRefund(env.client, { outTradeNo: 'FRESHQ0002', outRefundNo: 'RFRESHQ2', refund: 100, total: 100 });
    const since = env.log.length;
    const second = await run(['query', '--from', file]);
    expect(second.code, second.stderr).toBe(0);
    expect(requests('GET /v3/pay/transactions/out-trade-no/{out_trade_no}', since)).toHaveLength(2);
    expect(resultRows(file).map((c) => [c[1], c[3], c[4]])).toEqual([['FRESHQ0001', 'succeeded', 'SUCCESS'], ['FRESHQ0002', 'succeeded', 'REFUND']]);
    expect(second.stdout).not.toContain('finished by an earlier run');
    expect(second.stdout).toMatch(/rows\s+2\n/);
    // The journal is for writes: a query batch keeps none.
    expect(existsSync(file.replace(/\.csv$/, '.journal.ndjson'))).toBe(false);
  });

  it('close --from re-checks the state of rows an earlier run finished, and sends no close again', async () => {
    env.seed(['FRESHC0001'], 100, false);
    env.seed(['FRESHC0002'], 100);
    const file = csv('freshc', ['out_trade_no', 'FRESHC0001', 'FRESHC0002']);
    const first = await run(['close', '--from', file, '--yes']);
    expect(first.code).toBe(5);
    expect(resultRows(file).map((c) => [c[1], c[2], c[3], c[4]])).toEqual([['FRESHC0001', 'succeeded', 'CLOSED', ''], ['FRESHC0002', 'rejected', '', 'ORDERPAID']]);
    await createRefund(env.client, { outTradeNo: 'FRESHC0002', outRefundNo: 'RFRESHC2', refund: 100, total: 100 });
    const since = env.log.length;
    const second = await run(['close', '--from', file, '--yes']);
    expect(second.code).toBe(5);
    expect(requests('POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close', since)).toHaveLength(0);
    expect(requests('GET /v3/pay/transactions/out-trade-no/{out_trade_no}', since)).toHaveLength(2);
    expect(resultRows(file).map((c) => [c[1], c[2], c[3], c[4]])).toEqual([['FRESHC0001', 'succeeded', 'CLOSED', ''], ['FRESHC0002', 'rejected', 'REFUND', 'ORDERPAID']]);
  });
});
