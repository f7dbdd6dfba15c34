// Acceptance (issue 7), spawning bin/wxpay against the sandbox: create orders, pay some, refund some, then
// `wxpay bill trade` for that day in every format, with and without gzip: rows and summary equal the sandbox
// state. A corrupted download exits 6 and leaves no file; NO_STATEMENT_EXIST / STATEMENT_CREATING are
// explained; a future or malformed date is a usage error (exit 2).
import { existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fenToYuan } from '../../src/bills/amount.js';
import { keyOf } from '../../src/bills/layout.js';
import { BillParser, type BillRecord } from '../../src/bills/parse.js';
import { typedRow, typedSummary } from '../../src/bills/writers.js';
import type { WxpayClient } from '../../src/http/client.js';
import { chinaDate } from '../../src/protocol/china-time.js';
import { feeFen } from '../../src/sandbox/bills.js';
import { inProcessClient, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

let env: Env;
let client: WxpayClient;
const today = chinaDate(Date.now());
const NOTIFY = 'http://127.0.0.1:9/notify';
type Rows = Array<Record<string, string>>;

beforeAll(async () => {
  // Today's orders are in today's bill, which WeChat Pay serves from 10:00 tomorrow: run the bill calendar 2 days ahead.
  env = await sandboxEnv('pubkey', { billClockOffsetMs: 2 * 86_400_000 });
  client = await inProcessClient(env);
  const orders: Array<[string, number, string]> = [
    ['E2EA0001', 100, '红茶'],
    ['E2EA0002', 2599, '绿茶, 大杯, "冰"'],
    ['E2EA0003', 12345, 'T-shirt'],
    ['E2EA0004', 700, '未付款'],
  ];
  for (const [no, total, description] of orders) {
    await client.request({
      method: 'POST',
      path: '/v3/pay/transactions/native',
      body: {
        appid: env.sb.context.keys.appid,
        mchid: env.sb.context.keys.mchid,
        description,
        out_trade_no: no,
        notify_url: NOTIFY,
        amount: { total, currency: 'CNY' },
      },
    });
  }
  for (const [no] of orders.slice(0, 3)) await env.admin('POST', `/sandbox/orders/${no}/pay`);
  await client.request({
    method: 'POST',
    path: '/v3/refund/domestic/refunds',
    body: {
      out_trade_no: 'E2EA0002',
      out_refund_no: 'E2ER0002',
      amount: { refund: 599, total: 2599, currency: 'CNY' },
    },
  });
  await client.request({
    method: 'POST',
    path: '/v3/refund/domestic/refunds',
    body: {
      out_trade_no: 'E2EA0003',
      out_refund_no: 'E2ER0003',
      amount: { refund: 12345, total: 12345, currency: 'CNY' },
    },
  });
  await env.admin('POST', '/sandbox/refunds/E2ER0002/complete');
  mkdirSync(path.join(env.dir, 'out'));
});
afterAll(async () => {
  await client?.close();
  await env?.close();
});

function expected() {
  const s = env.sb.state.snapshot();
  const paid = s.orders.filter((o) => o.successTime !== undefined);
  const sum = (xs: number[]) => fenToYuan(xs.reduce((a, b) => a + b, 0));
  const rows = [
    ...paid.map((o) => ({
      out_trade_no: o.outTradeNo,
      out_refund_no: '0',
      trade_state: 'SUCCESS',
      description: o.description,
      total: fenToYuan(o.total),
      settlement_total: fenToYuan(o.total),
      refund_amount: '0.00',
      applied_refund: '0.00',
      fee: (feeFen(o.total) / 100).toFixed(5),
    })),
    ...s.refunds.map((r) => ({
      out_trade_no: r.outTradeNo,
      out_refund_no: r.outRefundNo,
      trade_state: 'REFUND',
      refund_status: r.status,
      total: '0.00',
      settlement_total: '0.00',
      refund_amount: r.status === 'SUCCESS' ? fenToYuan(r.refund) : '0.00',
      applied_refund: fenToYuan(r.refund),
      fee: '0.00000',
    })),
  ].sort((a, b) => `${a.out_trade_no}${a.out_refund_no}`.localeCompare(`${b.out_trade_no}${b.out_refund_no}`));
  const summary = {
    total_count: rows.length,
    settlement_total: sum(paid.map((o) => o.total)),
    refund_total: sum(s.refunds.filter((r) => r.status === 'SUCCESS').map((r) => r.refund)),
    recharge_coupon_refund_total: '0.00',
    fee_total: (paid.reduce((a, o) => a + feeFen(o.total), 0) / 100).toFixed(5),
    order_total: sum(paid.map((o) => o.total)),
    applied_refund_total: sum(s.refunds.map((r) => r.refund)),
  };
  return { rows, summary };
}

function readBack(buf: Buffer, format: string, gzip: boolean): { rows: Rows; summary: Record<string, unknown> } {
  if (format === 'raw') {
    const p = new BillParser();
    const recs: BillRecord[] = [...p.push((gzip ? gunzipSync(buf) : buf).toString('utf8')), ...p.end()];
    const keys = (recs[0] as { columns: string[] }).columns.map(keyOf);
    const s = recs.at(-1) as Extract<BillRecord, { type: 'summary' }>;
    return {
      rows: recs.filter((r) => r.type === 'row').map((r) => typedRow(keys, (r as { values: string[] }).values)),
      summary: typedSummary(s.columns, s.values),
    };
  }
  if (format === 'csv') {
    const recs: string[][] = parse(buf, { relax_column_count: true });
    const keys = recs[0]!.map(keyOf);
    return { rows: recs.slice(1, -2).map((v) => typedRow(keys, v)), summary: typedSummary(recs.at(-2)!, recs.at(-1)!) };
  }
  if (format === 'json') return JSON.parse(buf.toString('utf8'));
  const lines = buf
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const strip = ({ record: _, ...rest }: Record<string, string>) => rest;
  return { rows: lines.filter((l) => l.record === 'row').map(strip), summary: strip(lines.at(-1)) };
}

function expectMatches(got: { rows: Rows; summary: Record<string, unknown> }): void {
  const want = expected();
  expect(got.summary).toEqual(want.summary);
  const rows = [...got.rows].sort((a, b) =>
    `${a.out_trade_no}${a.out_refund_no}`.localeCompare(`${b.out_trade_no}${b.out_refund_no}`),
  );
  expect(rows).toHaveLength(want.rows.length);
  want.rows.forEach((w, i) => expect(rows[i]).toMatchObject(w));
}

describe('wxpay bill trade against the sandbox', () => {
  // Every format and both gzip settings through the CLI; the full 4x2 matrix runs in process in
  // test/integration/bill-sandbox.test.ts, which keeps this file's spawns (about 1 s each) down.
  for (const [format, gzip] of [
    ['raw', true],
    ['csv', false],
    ['json', true],
    ['ndjson', false],
  ] as const) {
    it(`--format ${format}${gzip ? ' --gzip' : ''}: the file equals the sandbox state`, async () => {
      const file = path.join('out', `trade-${format}${gzip ? '-gz' : ''}`);
      const r = await env.cli([
        'bill',
        'trade',
        '--date',
        today,
        '--format',
        format,
        ...(gzip ? ['--gzip'] : []),
        '--output',
        file,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({
        format,
        rows: expected().rows.length,
        sha1: expect.stringMatching(/^[0-9a-f]{40}$/),
        summary: expected().summary,
        totalsMismatch: [],
      });
      expectMatches(readBack(readFileSync(path.join(env.dir, file)), format, gzip));
    });
  }

  it('without --output the verified bill goes to stdout; --summary prints the totals table', async () => {
    const r = await env.cli(['bill', 'trade', '--date', today, '--format', 'ndjson', '--gzip']);
    expect(r.code, r.stderr).toBe(0);
    expectMatches(readBack(Buffer.from(r.stdout), 'ndjson', false));
    const h = await env.cli(['bill', 'trade', '--date', today, '--output', 'out/t.csv', '--summary']);
    expect(h.code, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/5 rows, SHA1 verified \([0-9a-f]{40}\); wrote out\/t\.csv \(csv\)/);
    expect(h.stdout).toMatch(/order_total\s+150\.44/);
    expect(h.stdout).toMatch(/refund_total\s+5\.99/);
  });

  it('an in-process run leaves the V8 flags alone: leanDownload is only for a process of its own', async () => {
    // leanDownload sets --expose-gc (with a WebAssembly tiering budget and --optimize-for-size); a fresh context then has a gc.
    // A test worker shares its process with other files, so an in-process run (no ownsProcess) must not set them.
    expect(process.execArgv.join(' ')).not.toMatch(/expose-gc/);
    const r = await env.cli(['bill', 'trade', '--date', today, '--format', 'ndjson', '--gzip']);
    expect(r.code, r.stderr).toBe(0);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('a corrupted download (sandbox fault bill-hash) exits 6 and leaves no file', async () => {
    await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'bill-hash', count: 1 }] });
    const r = await env.cli([
      'bill',
      'trade',
      '--date',
      today,
      '--gzip',
      '--format',
      'ndjson',
      '--output',
      'out/bad.ndjson',
      '--json',
    ]);
    expect(r.code).toBe(6);
    expect(r.error()).toMatchObject({ code: 'HASH_MISMATCH', exitCode: 6 });
    expect(existsSync(path.join(env.dir, 'out', 'bad.ndjson'))).toBe(false);
    expect(readdirSync(path.join(env.dir, 'out')).filter((f) => f.includes('bad'))).toEqual([]);
    await env.admin('DELETE', '/sandbox/faults');
  });

  it('NO_STATEMENT_EXIST is explained (D+1 10:00, 3 months); STATEMENT_CREATING says when to retry', async () => {
    const old = await env.cli(['bill', 'trade', '--date', '2020-01-01', '--json']);
    expect(old.code).toBe(5);
    expect(old.error()).toMatchObject({ code: 'WECHATPAY_ERROR', wechatpay: { code: 'NO_STATEMENT_EXIST' } });
    expect(old.error().hint).toMatch(
      /after 10:00 \(China time\) on D\+1 and is kept for 3 months.*older than 3 months/,
    );
    const empty = await env.cli(['bill', 'fundflow', '--date', today, '--account', 'FEES']);
    expect(empty.code).toBe(5);
    expect(empty.stderr).toMatch(/NO_STATEMENT_EXIST/);
    expect(empty.stderr).toMatch(/not ready yet: try again after \d{4}-\d{2}-\d{2} 10:00 \(China time\)/);
    await env.admin('POST', '/sandbox/faults', { faults: [{ kind: 'bill-creating', count: 1 }] });
    const creating = await env.cli(['bill', 'trade', '--date', today, '--json']);
    expect(creating.code).toBe(5);
    expect(creating.error()).toMatchObject({
      wechatpay: { code: 'STATEMENT_CREATING' },
      details: { retryAfter: expect.any(String) },
    });
    // Today's bill is not due before 10:00 tomorrow (issue 22 row 5), so that is when to retry.
    expect(creating.error().hint).toMatch(
      /Try again after 10:00 the next day, after \d{4}-\d{2}-\d{2} 10:00 \(China time\)/,
    );
  });

  it('a future or malformed date is a usage error (exit 2) before any request', async () => {
    const before = await env.count('GET /v3/bill/tradebill');
    for (const date of ['2999-01-01', '2026-13-01']) {
      const r = await env.cli(['bill', 'trade', '--date', date, '--json']);
      expect(r.code, date).toBe(2);
      expect(r.error().code).toBe('USAGE');
    }
    expect(await env.count('GET /v3/bill/tradebill')).toBe(before);
  });

  it('fundflow: the BASIC account bill in json', async () => {
    const r = await env.cli([
      'bill',
      'fundflow',
      '--date',
      today,
      '--format',
      'json',
      '--output',
      'out/f.json',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().summary).toMatchObject({ income_count: 3, income_amount: '150.44' });
    const doc = JSON.parse(readFileSync(path.join(env.dir, 'out', 'f.json'), 'utf8'));
    expect(doc.rows.find((x: Record<string, string>) => x.business_name === '退款')).toMatchObject({
      amount: '5.99',
      voucher_no: 'E2ER0002',
    });
  });
});
