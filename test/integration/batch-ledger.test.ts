// Acceptance (issue 13) against the sandbox, with the CLI run in-process: the refund ledger per order (a renamed
// out_refund_no is refused after a finished row and after a row killed mid-request; sums are checked across
// runs; a new journal for orders another journal has seen needs --yes), read-only batches that are always
// fresh, and the exit-code rule of a stopped batch (issue 14).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefund } from '../../src/api/refunds.js';
import { batchEnv, runInProcess, spawnCli, type BatchEnv } from '../helpers/batch-harness.js';

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
const resultRows = (file: string) =>
  readFileSync(file.replace(/\.csv$/, '.result.csv'), 'utf8')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(','));
const requests = (route: string, since: number) => env.log.slice(since).filter((e) => e.route === route);
const REFUND = 'POST /v3/refund/domestic/refunds';
const REFUND_LOOKUP = 'GET /v3/refund/domestic/refunds/{out_refund_no}';
const refundsOf = (order: string) =>
  env.sb.state
    .snapshot()
    .refunds.filter((r) => r.outTradeNo === order)
    .map((r) => [r.outRefundNo, r.refund]);
const header = 'out_trade_no,out_refund_no,amount,total';
const run = (args: string[], o: Partial<Parameters<typeof runInProcess>[1]> = {}) =>
  runInProcess(args, { cwd: env.init.dir, env: env.env, ...o });

describe('a stopped batch (issue 14)', () => {
  it('Ctrl-C with a rejected row exits 4 (unfinished wins: rerun first), and the resume hint keeps --yes', async () => {
    // 15 rows: the interrupt after 5 leaves ~10 unfinished beside the rejected one; the 45 more it had were only more
    // refunds for the rerun to make before it could report the rejection.
    const nos = Array.from({ length: 15 }, (_, i) => `STOPREJ${String(i).padStart(4, '0')}`);
    env.seed(nos, 100);
    await createRefund(env.client, { outTradeNo: nos[0]!, outRefundNo: 'PRE-STOPREJ', refund: 60, total: 100 });
    const file = csv('stoprej', ['out_trade_no,out_refund_no,amount,total', ...nos.map((no) => `${no},R${no},50,100`)]);
    let rows = 0;
    const r = await run(
      ['refund', 'create', '--from', file, '--json', '--yes', '--concurrency', '1', '--rate', '2000'],
      {
        onStdoutLine: (line, sigint) => {
          if (JSON.parse(line).type === 'row' && ++rows === 5) sigint();
        },
      },
    );
    expect(r.code, r.stderr).toBe(4);
    expect(r.error).toMatchObject({
      code: 'BATCH_INTERRUPTED',
      message: expect.stringMatching(/^Interrupted: \d+ of 15 rows finished \(1 rejected by WeChat Pay; see /),
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
    expect(resultRows(file).map((c) => [c[1], c[3], c[4]])).toEqual([
      ['FRESHQ0001', 'succeeded', 'SUCCESS'],
      ['FRESHQ0002', 'succeeded', 'REFUND'],
    ]);
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
    expect(resultRows(file).map((c) => [c[1], c[2], c[3], c[4]])).toEqual([
      ['FRESHC0001', 'succeeded', 'CLOSED', ''],
      ['FRESHC0002', 'rejected', '', 'ORDERPAID'],
    ]);
    await createRefund(env.client, { outTradeNo: 'FRESHC0002', outRefundNo: 'RFRESHC2', refund: 100, total: 100 });
    const since = env.log.length;
    const second = await run(['close', '--from', file, '--yes']);
    expect(second.code).toBe(5);
    expect(requests('POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close', since)).toHaveLength(0);
    expect(requests('GET /v3/pay/transactions/out-trade-no/{out_trade_no}', since)).toHaveLength(2);
    expect(resultRows(file).map((c) => [c[1], c[2], c[3], c[4]])).toEqual([
      ['FRESHC0001', 'succeeded', 'CLOSED', ''],
      ['FRESHC0002', 'rejected', 'REFUND', 'ORDERPAID'],
    ]);
  });
});

describe('the refund ledger per order', () => {
  it('a renamed out_refund_no after a finished row is refused with BATCH_ALREADY_REFUNDED, naming the earlier refund (renamed-refund-double)', async () => {
    env.seed(['LEDGER0001', 'LEDGER0002'], 100);
    const file = csv('renamed', [header, 'LEDGER0001,RLEDGER1,50,100', 'LEDGER0002,RLEDGER2,30,100']);
    expect((await run(['refund', 'create', '--from', file, '--yes'])).code).toBe(0);
    writeFileSync(file, `${header}\nLEDGER0001,RLEDGER1X,50,100\nLEDGER0002,RLEDGER2,30,100\n`);
    const since = env.log.length;
    const r = await run(['refund', 'create', '--from', file, '--yes']);
    expect(r.code).toBe(5);
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringMatching(
        /line 2: order LEDGER0001 already has refund RLEDGER1 of 50 fen \(PROCESSING, refund_id 503\d+; renamed\.journal\.ndjson\); this row would refund it again as RLEDGER1X \(50 fen\)/,
      ),
      hint: expect.stringContaining('--allow-additional-refund'),
    });
    expect((r.error as { hint?: string }).hint).not.toMatch(/new out_refund_no and a new --journal/);
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('LEDGER0001')).toEqual([['RLEDGER1', 50]]);
  });

  it('a row killed mid-request whose refund was made, then renamed: looked up first, then refused (killed-then-renamed)', async () => {
    env.seed(['KILLED0001'], 100);
    const file = csv('killed', [header, 'KILLED0001,RKILLED1,70,100']);
    const journal = file.replace(/\.csv$/, '.journal.ndjson');
    // The sandbox holds the POST for 0.5 s and then makes the refund; the batch is SIGKILLed while it waits. The hold
    // needs no margin for load: the sandbox and the poll below share this process's event loop, and a poll tick
    // (due 10 ms after the fault fired at the latest) always runs before the hold's timer (due 500 ms after), however
    // late the loop gets to them. It was 2.5 s, which the test then waited out for the refund.
    await env.admin('POST', '/sandbox/faults', {
      faults: [{ kind: 'slow', count: 1, delayMs: 500, path: '/v3/refund/domestic/refunds' }],
    });
    const killed = await spawnCli(['refund', 'create', '--from', file, '--yes', '--json'], {
      cwd: env.init.dir,
      env: env.env,
      onStart: (child) => {
        // Killed once the POST has reached the sandbox (its slow fault fired), while the sandbox holds it: an event,
        // not a fixed wait, which a loaded machine could outlast before the request even left.
        const poll = setInterval(() => {
          if (env.sb.context.faults.all().some((f) => f.kind === 'slow' && f.fired > 0)) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 10);
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    for (let i = 0; i < 100 && refundsOf('KILLED0001').length === 0; i++)
      await new Promise((res) => setTimeout(res, 50));
    await env.admin('DELETE', '/sandbox/faults');
    expect(refundsOf('KILLED0001')).toEqual([['RKILLED1', 70]]);
    expect(readFileSync(journal, 'utf8')).not.toContain('"type":"done"');

    writeFileSync(file, `${header}\nKILLED0001,RKILLED1X,70,100\n`);
    const since = env.log.length;
    const r = await run(['refund', 'create', '--from', file, '--yes']);
    expect(r.code).toBe(5);
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringMatching(
        /order KILLED0001 already has refund RKILLED1 of 70 fen \(PROCESSING, refund_id 503\d+; killed\.journal\.ndjson\)/,
      ),
    });
    expect(requests(REFUND_LOOKUP, since).map((e) => e.url)).toEqual(['/v3/refund/domestic/refunds/RKILLED1']);
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('KILLED0001')).toEqual([['RKILLED1', 70]]);
  });

  it('sums are checked across runs: with --allow-additional-refund, the ledger plus the file never exceed the total', async () => {
    env.seed(['SUMS000001'], 100);
    const file = csv('sums', [header, 'SUMS000001,RSUMS1,60,100']);
    expect((await run(['refund', 'create', '--from', file, '--yes'])).code).toBe(0);
    writeFileSync(file, `${header}\nSUMS000001,RSUMS2,50,100\n`);
    const since = env.log.length;
    const over = await run(['refund', 'create', '--from', file, '--yes', '--allow-additional-refund']);
    expect(over.code).toBe(5);
    expect(over.error).toMatchObject({
      code: 'BATCH_REFUND_EXCEEDS_TOTAL',
      message: expect.stringMatching(
        /line 2: refunds of order SUMS000001 would add up to 110 fen, more than its total 100: RSUMS1 of 60 fen \(PROCESSING/,
      ),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    writeFileSync(file, `${header}\nSUMS000001,RSUMS2,40,100\n`);
    const fits = await run(['refund', 'create', '--from', file, '--yes', '--allow-additional-refund']);
    expect(fits.code, fits.stderr).toBe(0);
    expect(refundsOf('SUMS000001').sort()).toEqual([
      ['RSUMS1', 60],
      ['RSUMS2', 40],
    ]);
  });

  it('a new journal for orders another journal in the folder has seen: a warning listing them, --yes needed, and its refunds still count', async () => {
    env.seed(['OTHERJ0001', 'OTHERJ0002'], 100);
    const first = csv('otherj-a', [header, 'OTHERJ0001,ROTHERJ1,30,100']);
    expect((await run(['refund', 'create', '--from', first, '--yes'])).code).toBe(0);
    const second = csv('otherj-b', [header, 'OTHERJ0001,ROTHERJ1B,30,100', 'OTHERJ0002,ROTHERJ2,30,100']);
    const since = env.log.length;
    const noYes = await run(['refund', 'create', '--from', second], { tty: true, input: 'y\n' });
    expect(noYes.code).toBe(2);
    expect(noYes.error).toMatchObject({ code: 'BATCH_ORDERS_IN_OTHER_JOURNAL' });
    expect(noYes.stderr).toContain('1 order(s) of this file already appear in another refund journal beside');
    expect(noYes.stderr).toContain('OTHERJ0001 (otherj-a.journal.ndjson)');
    // A dry run only warns, and shows the refusal the real run would meet.
    const dry = await run(['refund', 'create', '--from', second, '--dry-run']);
    expect(dry.error).toMatchObject({ code: 'BATCH_ALREADY_REFUNDED' });
    expect(dry.stderr).toContain('OTHERJ0001 (otherj-a.journal.ndjson)');
    const yes = await run(['refund', 'create', '--from', second, '--yes']);
    expect(yes.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringContaining('order OTHERJ0001 already has refund ROTHERJ1 of 30 fen (PROCESSING'),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    // A new --journal in another folder still sees the journal beside the file.
    const elsewhere = await run([
      'refund',
      'create',
      '--from',
      second,
      '--yes',
      '--journal',
      path.join(mkdtempSync(path.join(os.tmpdir(), 'wxpay-otherj-')), 'j.ndjson'),
    ]);
    expect(elsewhere.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringMatching(/ROTHERJ1 of 30 fen \(PROCESSING, refund_id \d+; \S*otherj-a\.journal\.ndjson\)/),
    });
    const allowed = await run(['refund', 'create', '--from', second, '--yes', '--allow-additional-refund']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(refundsOf('OTHERJ0001').sort()).toEqual([
      ['ROTHERJ1', 30],
      ['ROTHERJ1B', 30],
    ]);
  });

  it('a journal of an earlier run named without .ndjson (--journal run1.jsonl beside the file) is still read (journal-other-extension-double)', async () => {
    env.seed(['EXTJ000001'], 100);
    const file = csv('extj', [header, 'EXTJ000001,REXTJ1,50,100']);
    expect(
      (await run(['refund', 'create', '--from', file, '--yes', '--journal', path.join(env.dir, 'extj-run1.jsonl')]))
        .code,
    ).toBe(0);
    writeFileSync(file, `${header}\nEXTJ000001,REXTJ1X,50,100\n`);
    const since = env.log.length;
    const r = await run(['refund', 'create', '--from', file, '--yes']);
    expect(r.stderr).toContain('EXTJ000001 (extj-run1.jsonl)');
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringContaining('order EXTJ000001 already has refund REXTJ1 of 50 fen (PROCESSING'),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('EXTJ000001')).toEqual([['REXTJ1', 50]]);
  });

  it('a row reusing an earlier out_refund_no for another order does not hide that refund from its own order (reused-number-hides-refund)', async () => {
    env.seed(['REUSE00001', 'REUSE00002'], 100);
    expect(
      (await run(['refund', 'create', '--from', csv('reuse-a', [header, 'REUSE00001,RREUSE1,50,100']), '--yes'])).code,
    ).toBe(0);
    const second = csv('reuse-b', [header, 'REUSE00002,RREUSE1,50,100', 'REUSE00001,RREUSE1X,50,100']);
    const since = env.log.length;
    const r = await run(['refund', 'create', '--from', second, '--yes']);
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringMatching(/line 3: order REUSE00001 already has refund RREUSE1 of 50 fen \(PROCESSING/),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('REUSE00001')).toEqual([['RREUSE1', 50]]);
  });

  it('a row added to the file of another, existing journal is still checked against the journals beside it (existing-journal-skips-others)', async () => {
    env.seed(['EXISTJ0001', 'EXISTJ0002'], 100);
    expect(
      (await run(['refund', 'create', '--from', csv('existj-a', [header, 'EXISTJ0001,REXISTJ1,50,100']), '--yes']))
        .code,
    ).toBe(0);
    const second = csv('existj-b', [header, 'EXISTJ0002,REXISTJ2,50,100']);
    expect((await run(['refund', 'create', '--from', second, '--yes'])).code).toBe(0);
    writeFileSync(second, `${header}\nEXISTJ0002,REXISTJ2,50,100\nEXISTJ0001,REXISTJ1X,50,100\n`);
    const since = env.log.length;
    const r = await run(['refund', 'create', '--from', second, '--yes']);
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringMatching(
        /line 3: order EXISTJ0001 already has refund REXISTJ1 of 50 fen \(PROCESSING, refund_id \d+; existj-a\.journal\.ndjson\)/,
      ),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('EXISTJ0001')).toEqual([['REXISTJ1', 50]]);
  });

  it('a damaged refund journal beside the file stops the batch instead of being skipped (damaged-other-journal-skipped)', async () => {
    env.seed(['DAMAGE0001', 'DAMAGE0002'], 100);
    // A folder of its own: a damaged journal stops every refund batch beside it.
    const sub = mkdtempSync(path.join(env.dir, 'damage-'));
    const first = path.join(sub, 'damage-a.csv');
    writeFileSync(first, `${header}\nDAMAGE0001,RDAMAGE1,50,100\nDAMAGE0002,RDAMAGE2,50,100\n`);
    expect((await run(['refund', 'create', '--from', first, '--yes'])).code).toBe(0);
    const journal = first.replace(/\.csv$/, '.journal.ndjson');
    const lines = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, [lines[0], '{"type":"start",garbage', ...lines.slice(1)].join('\n'));
    const since = env.log.length;
    const second = path.join(sub, 'damage-b.csv');
    writeFileSync(second, `${header}\nDAMAGE0001,RDAMAGE1X,50,100\n`);
    const r = await run(['refund', 'create', '--from', second, '--yes']);
    expect(r.error).toMatchObject({
      code: 'BATCH_JOURNAL_INVALID',
      message: expect.stringContaining('damage-a.journal.ndjson line 2 is not a journal record'),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('DAMAGE0001')).toEqual([['RDAMAGE1', 50]]);
  });

  it('a refund of unknown outcome in another journal, sent by out_trade_no, still blocks a row that names the order by transaction_id (other-journal-unknown-by-transaction-id)', async () => {
    env.seed(['TXNSW00001'], 100);
    const first = csv('txnsw-a', [header, 'TXNSW00001,RTXNSW1,50,100']);
    expect((await run(['refund', 'create', '--from', first, '--yes'])).code).toBe(0);
    // As if killed mid-request: the refund was made, but its `done` never reached the journal.
    const journal = first.replace(/\.csv$/, '.journal.ndjson');
    writeFileSync(
      journal,
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('"type":"done"'))
        .join('\n'),
    );
    const txn = env.sb.state.snapshot().orders.find((o) => o.outTradeNo === 'TXNSW00001')!.transactionId!;
    const since = env.log.length;
    const r = await run([
      'refund',
      'create',
      '--from',
      csv('txnsw-b', ['transaction_id,out_refund_no,amount,total', `${txn},RTXNSW1X,50,100`]),
      '--yes',
    ]);
    expect(r.error).toMatchObject({
      code: 'BATCH_ALREADY_REFUNDED',
      message: expect.stringContaining('already has refund RTXNSW1 of 50 fen'),
    });
    expect(requests(REFUND, since)).toHaveLength(0);
    expect(refundsOf('TXNSW00001')).toEqual([['RTXNSW1', 50]]);
  });
});
