// Acceptance (issue 8) against the sandbox, with the CLI run in-process: 1,000 refunds exactly once; invalid
// files rejected before any request with line numbers; SIGINT finishes in-flight rows and resumes cleanly;
// rejections exit 5 and stay finished; dry run and confirmation send nothing; a changed file is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefund } from '../../src/api/refunds.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

const REFUND = 'POST /v3/refund/domestic/refunds';
const FAST = ['--yes', '--rate', '5000', '--concurrency', '16'];

let env: BatchEnv;
beforeAll(async () => {
  env = await batchEnv();
});
afterAll(() => env.close());

let fileNo = 0;
function csv(lines: string[] | Buffer, name = `f${fileNo++}`): string {
  const file = path.join(env.dir, `${name}.csv`);
  writeFileSync(file, Buffer.isBuffer(lines) ? lines : `${lines.join('\n')}\n`);
  return file;
}
const run = (args: string[], o: Partial<Parameters<typeof runInProcess>[1]> = {}) =>
  runInProcess(args, { cwd: env.init.dir, env: env.env, ...o });
const refundsOf = (prefix: string) => env.sb.state.snapshot().refunds.filter((r) => r.outRefundNo.startsWith(prefix));
const resultRows = (file: string) =>
  readFileSync(file.replace(/\.csv$/, '.result.csv'), 'utf8')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((l) => l.split(','));

describe('1,000 refund rows', () => {
  it('refunds every order exactly once; sandbox totals equal file totals; 1,000 result rows', async () => {
    const nos = Array.from({ length: 1000 }, (_, i) => `BULK${String(i).padStart(6, '0')}`);
    env.seed(nos, 1000);
    const amounts = nos.map((_, i) => 1 + ((i * 37) % 1000));
    const file = csv(
      [
        'out_trade_no,out_refund_no,amount,total,reason',
        ...nos.map((no, i) => `${no},RB${no},${amounts[i]},1000,batch test`),
      ],
      'bulk',
    );
    const r = await run(['refund', 'create', '--from', file, ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const refunds = refundsOf('RBBULK');
    expect(refunds).toHaveLength(1000);
    expect(new Set(refunds.map((x) => x.outTradeNo)).size).toBe(1000);
    expect(refunds.reduce((s, x) => s + x.refund, 0)).toBe(amounts.reduce((s, a) => s + a, 0));
    expect(env.ok(REFUND)).toBe(1000);
    const rows = resultRows(file);
    expect(rows).toHaveLength(1000);
    expect(rows.every((c) => c[5] === 'succeeded' && /^5030\d+/.test(c[6]!))).toBe(true);
    expect(r.stdout).toMatch(/succeeded\s+1000\n/);
    expect(r.stdout).toMatch(/refunded\s+\d+ fen/);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
  }, 120_000);
});

describe('invalid files are rejected before any request, with line numbers', () => {
  const cases: Array<[string, string[] | Buffer, RegExp]> = [
    [
      'missing column',
      ['out_trade_no,out_refund_no,amount', 'ORDER0001,R1,10'],
      /line 1: header: missing column "total"/,
    ],
    [
      'negative amount',
      ['out_trade_no,out_refund_no,amount,total', 'ORDER0001,R1,10,100', 'ORDER0002,R2,-10,100'],
      /line 3: amount must not be negative, got -10/,
    ],
    [
      'amount > total',
      ['out_trade_no,out_refund_no,amount,total', 'ORDER0001,R1,101,100'],
      /line 2: amount 101 is more than total 100/,
    ],
    [
      'duplicate out_refund_no',
      ['out_trade_no,out_refund_no,amount,total', 'ORDER0001,R1,1,100', 'ORDER0002,R2,1,100', 'ORDER0003,R1,1,100'],
      /line 4: duplicate out_refund_no R1 \(first on line 2\)/,
    ],
    [
      'non-UTF-8',
      Buffer.concat([
        Buffer.from('out_trade_no,out_refund_no,amount,total,reason\nORDER0001,R1,1,100,'),
        Buffer.from([0xcd, 0xcb, 0xbf, 0xee]),
        Buffer.from('\n'),
      ]),
      /line 2: not valid UTF-8/,
    ],
  ];
  it.each(cases)('%s', async (_name, content, message) => {
    const before = env.log.length;
    const r = await run(['refund', 'create', '--from', csv(content), '--yes']);
    expect(r.code).toBe(2);
    expect(r.error).toMatchObject({ code: 'BATCH_INVALID_FILE', message: expect.stringMatching(message) });
    expect(r.stderr + r.stdout).toBe('');
    expect(env.log.length).toBe(before);
  });
});

describe('resuming', () => {
  it('SIGINT finishes the rows in flight, writes the journal, says how to resume; the rerun completes exactly once', async () => {
    // 100 rows: the interrupt after 40 leaves most of them to the rerun (200 only doubled the refunds it signs).
    const nos = Array.from({ length: 100 }, (_, i) => `INT${String(i).padStart(6, '0')}`);
    env.seed(nos, 100);
    const file = csv(
      ['out_trade_no,out_refund_no,amount,total', ...nos.map((no) => `${no},RI${no},100,100`)],
      'interrupt',
    );
    const before200 = env.ok(REFUND);
    let rows = 0;
    const first = await run(
      ['refund', 'create', '--from', file, '--json', '--yes', '--rate', '2000', '--concurrency', '4'],
      {
        onStdoutLine: (line, sigint) => {
          if (JSON.parse(line).type === 'row' && ++rows === 40) sigint();
        },
      },
    );
    expect(first.code).toBe(4);
    expect(first.error).toMatchObject({
      code: 'BATCH_INTERRUPTED',
      hint: `To resume, run: wxpay refund create --from ${file} --yes --concurrency 4 --rate 2000`,
    });
    const journal = readFileSync(file.replace(/\.csv$/, '.journal.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const started = journal.filter((j) => j.type === 'start').map((j) => j.key);
    const done = new Set(journal.filter((j) => j.type === 'done').map((j) => j.key));
    expect(started.length).toBeLessThan(100);
    expect(started.every((k) => done.has(k))).toBe(true);
    expect(resultRows(file).filter((c) => c[5] === 'pending').length).toBe(100 - done.size);

    const second = await run(['refund', 'create', '--from', file, '--yes', '--rate', '2000']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`rows\\s+100 \\(${done.size} finished by an earlier run, not sent again\\)\\nsucceeded\\s+100\\n`),
    );
    expect(refundsOf('RIINT')).toHaveLength(100);
    expect(env.ok(REFUND) - before200).toBe(100);
  });

  // Issue 22 row 1: production refuses a refund over what remains with INVALID_REQUEST "申请退款金额超过订单可退金额"
  // (captured v3 answers, developers.weixin.qq.com/community/pay/doc/000200385bc3f8838282964b96bc00), not NOT_ENOUGH.
  it('a row refused for exceeding what remains exits 5, says so, is recorded as finished, and is never resent', async () => {
    env.seed(['REJ0000001', 'REJ0000002'], 100);
    await createRefund(env.client, { outTradeNo: 'REJ0000001', outRefundNo: 'PRE-REJ1', refund: 60, total: 100 });
    const file = csv(['out_trade_no,out_refund_no,amount,total', 'REJ0000001,RREJ1,50,100', 'REJ0000002,RREJ2,50,100']);
    const r = await run(['refund', 'create', '--from', file, '--yes', '--json']);
    expect(r.code).toBe(5);
    expect(r.error).toMatchObject({ code: 'BATCH_REJECTED' });
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'row').map((e) => [e.key, e.status, e.code])).toEqual(
      expect.arrayContaining([
        ['RREJ1', 'rejected', 'INVALID_REQUEST'],
        ['RREJ2', 'succeeded', undefined],
      ]),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'summary',
      rows: 2,
      succeeded: 1,
      rejected: 1,
      codes: { INVALID_REQUEST: 1 },
    });
    const rejected = events.find((e) => e.type === 'row' && e.key === 'RREJ1');
    expect(rejected.message).toMatch(
      /^refund exceeds what remains on the order: HTTP 400: 申请退款金额超过订单可退金额/,
    );
    expect(
      resultRows(file)
        .find((c) => c[3] === 'RREJ1')
        ?.slice(5, 9),
    ).toEqual(expect.arrayContaining(['rejected', 'INVALID_REQUEST']));
    const posts = env.log.filter((e) => e.route === REFUND).length;
    const again = await run(['refund', 'create', '--from', file, '--yes']);
    expect(again.code).toBe(5);
    expect(env.log.filter((e) => e.route === REFUND).length).toBe(posts);
    // The rerun's result file still gives the reason, from the journal.
    expect(
      resultRows(file)
        .find((c) => c[3] === 'RREJ1')
        ?.at(-1),
    ).toMatch(/^refund exceeds what remains on the order/);
  });

  it('a 500, a 429 and a reset on the refund are looked up first and resent once; the 429 slows the batch', async () => {
    const nos = Array.from({ length: 30 }, (_, i) => `FLT${String(i).padStart(6, '0')}`);
    env.seed(nos, 100);
    const file = csv(['out_trade_no,out_refund_no,amount,total', ...nos.map((no) => `${no},RF${no},100,100`)]);
    const before = env.ok(REFUND);
    await env.admin('POST', '/sandbox/faults', {
      faults: [
        { kind: '500', count: 2, path: '/v3/refund/' },
        { kind: '429', count: 2, path: '/v3/refund/' },
        { kind: 'reset', count: 2, path: '/v3/refund/' },
      ],
    });
    // A reset is a send with no answer: its look-up's "not found" is believed after the request timeout, kept short.
    const r = await run(['refund', 'create', '--from', file, ...FAST], {
      env: { ...env.env, WXPAY_TIMEOUT_MS: '2000' },
    });
    await env.admin('DELETE', '/sandbox/faults');
    expect(r.code, r.stderr).toBe(0);
    expect(env.ok(REFUND) - before).toBe(30);
    expect(refundsOf('RFFLT')).toHaveLength(30);
    const lookups = env.log.filter(
      (e) => e.route === 'GET /v3/refund/domestic/refunds/{out_refund_no}' && e.url.includes('RFFLT'),
    );
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(lookups.every((e) => e.status === 404 || e.status >= 429)).toBe(true);
  });

  it('refuses to resume when a row that was sent now has a different amount', async () => {
    env.seed(['CHG0000001'], 100);
    const file = csv(['out_trade_no,out_refund_no,amount,total', 'CHG0000001,RCHG1,10,100'], 'changed');
    expect((await run(['refund', 'create', '--from', file, '--yes'])).code).toBe(0);
    writeFileSync(file, 'out_trade_no,out_refund_no,amount,total\nCHG0000001,RCHG1,20,100\n');
    const r = await run(['refund', 'create', '--from', file, '--yes']);
    expect(r.code).toBe(2);
    expect(r.error).toMatchObject({
      code: 'BATCH_JOURNAL_CONFLICT',
      message: expect.stringMatching(/line 2: RCHG1 differs/),
    });
  });
});

describe('dry run, confirmation, queries and closes', () => {
  it('--dry-run prints the requests and sends nothing', async () => {
    const file = csv(['out_trade_no,out_refund_no,amount,total', 'DRY0000001,RDRY1,10,100', 'DRY0000002,RDRY2,20,100']);
    const before = env.log.length;
    const r = await run(['refund', 'create', '--from', file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'line 2: POST /v3/refund/domestic/refunds {"out_trade_no":"DRY0000001","out_refund_no":"RDRY1"',
    );
    expect(r.stderr).toMatch(/dry run: nothing was sent\. 2 rows: 2 to send.*30 fen/);
    const json = await run(['refund', 'create', '--from', file, '--dry-run', '--json']);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        type: 'request',
        line: 2,
        key: 'RDRY1',
        action: 'send',
        method: 'POST',
        path: '/v3/refund/domestic/refunds',
        body: {
          out_trade_no: 'DRY0000001',
          out_refund_no: 'RDRY1',
          amount: { refund: 10, total: 100, currency: 'CNY' },
        },
      },
      {
        type: 'request',
        line: 3,
        key: 'RDRY2',
        action: 'send',
        method: 'POST',
        path: '/v3/refund/domestic/refunds',
        body: {
          out_trade_no: 'DRY0000002',
          out_refund_no: 'RDRY2',
          amount: { refund: 20, total: 100, currency: 'CNY' },
        },
      },
      { type: 'dry-run', rows: 2, send: 2, verify: 0, skip: 0, amount: 30 },
    ]);
    expect(env.log.length).toBe(before);
  });

  it('asks once on a TTY (row count and total), refuses without a TTY or --yes', async () => {
    env.seed(['ASK0000001', 'ASK0000002'], 100);
    const file = csv(['out_trade_no,out_refund_no,amount,total', 'ASK0000001,RASK1,10,100', 'ASK0000002,RASK2,15,100']);
    const noTty = await run(['refund', 'create', '--from', file]);
    expect(noTty.code).toBe(2);
    expect(noTty.error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/no TTY and no --yes/) });
    const no = await run(['refund', 'create', '--from', file], { tty: true, input: 'n\n' });
    expect(no.stderr).toContain(`Refund 2 rows, 25 fen (0.25 CNY) in total, at ${env.sb.url}? [y/N] `);
    expect(no.code).toBe(0); // declining is a decision: nothing sent, exit 0, as for refund create
    expect(no.stderr).toContain('Batch not confirmed; nothing was sent.');
    expect(refundsOf('RASK')).toHaveLength(0);
    const yes = await run(['refund', 'create', '--from', file], { tty: true, input: 'y\n' });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stderr).toMatch(/\r\[#+\] 2\/2 failed 0 [\d.]+\/s ETA/); // the progress bar, on a terminal only
    expect(refundsOf('RASK')).toHaveLength(2);
  });

  it('query --from: one row per order, an unknown order is a rejection (exit 5)', async () => {
    env.seed(['QRY0000001', 'QRY0000002'], 100);
    const file = csv(['out_trade_no', 'QRY0000001', 'QRY0000002', 'QRYMISSING']);
    const r = await run(['query', '--from', file]);
    expect(r.code).toBe(5);
    const rows = resultRows(file);
    expect(rows.map((c) => [c[1], c[3], c[4], c[5]])).toEqual([
      ['QRY0000001', 'succeeded', 'SUCCESS', ''],
      ['QRY0000002', 'succeeded', 'SUCCESS', ''],
      ['QRYMISSING', 'rejected', '', 'ORDER_NOT_EXIST'],
    ]);
    expect(rows[0]![2]).toMatch(/^4200\d+$/);
  });

  it('--help of query, close and refund create lists the batch options (a query batch neither asks nor keeps a journal)', async () => {
    const common = ['--from <file.csv>', '--concurrency <n>', '--rate <per-second>', '--dry-run'];
    const writes = [...common, '--journal <file>', '--yes'];
    for (const [cmd, flags, absent] of [
      [['query'], common, ['--journal', '--yes']],
      [['close'], writes, []],
      [['refund', 'create'], [...writes, '--allow-additional-refund'], []],
    ] as const) {
      const r = await run([...cmd, '--help']);
      for (const flag of flags) expect(r.stdout).toContain(flag);
      for (const flag of absent) expect(r.stdout).not.toContain(flag);
      // batch-journal-help-default: "<file>.journal.ndjson" read as refunds.csv.journal.ndjson; the stem is used.
      expect(r.stdout).not.toContain('<file>.journal.ndjson');
      if (flags.includes('--journal <file>')) expect(r.stdout).toContain('refunds.journal.ndjson');
    }
    expect((await run(['query', '--from', 'x.csv', '--journal', 'j.ndjson'])).code).toBe(2);
  });

  it('close --from closes unpaid orders; batch-only options without --from are usage errors', async () => {
    env.seed(['CLS0000001', 'CLS0000002'], 100, false);
    const file = csv(['out_trade_no', 'CLS0000001', 'CLS0000002']);
    const r = await run(['close', '--from', file, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(['CLS0000001', 'CLS0000002'].map((no) => env.sb.state.orderByOutTradeNo(no)?.tradeState)).toEqual([
      'CLOSED',
      'CLOSED',
    ]);
    expect((await run(['close', 'CLS0000001', '--journal', 'x.ndjson'])).code).toBe(2);
    const before = env.log.length;
    const dry = await run(['query', 'CLS0000001', '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.error).toMatchObject({
      code: 'USAGE',
      message: '--dry-run only applies to a batch: add --from <file.csv>',
    });
    expect(env.log.length).toBe(before);
    const both = await run(['close', 'CLS0000001', '--from', file]);
    expect(both.error).toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/either an order number or --from/),
    });
  });
});
