// Bills end to end in process (docs/protocol.md §5): the sandbox writes trade and fund-flow bills from its own orders
// and refunds; the api layer applies, downloads (signed request, unsigned answer), gunzips, checks the SHA1
// and converts. Rows and summary totals must equal the sandbox state exactly, in every format, gzip or not.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFundFlowBill, applyTradeBill, downloadBill } from '../../src/api/bills.js';
import { fenToYuan } from '../../src/bills/amount.js';
import { BillParser, type BillRecord } from '../../src/bills/parse.js';
import { typedRow, typedSummary } from '../../src/bills/writers.js';
import { keyOf } from '../../src/bills/layout.js';
import { createClient, type WxpayClient } from '../../src/http/client.js';
import { loadApiV3Key } from '../../src/config/credentials.js';
import { createKeyStore, loadPublicKey } from '../../src/protocol/keys.js';
import { chinaDate } from '../../src/protocol/china-time.js';
import { feeFen } from '../../src/sandbox/bills.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let client: WxpayClient;
const today = chinaDate(Date.now());
const NOTIFY = 'http://127.0.0.1:9/notify';
const out = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bills-'));

beforeAll(async () => {
  const init = await sandboxKeySet('cert');
  // Today's orders are in today's bill, which WeChat Pay serves from 10:00 tomorrow: run the bill calendar 2 days ahead.
  t = await startTestSandbox(init, { autoRefundMs: -1, billClockOffsetMs: 2 * 86_400_000 });
  const keys = createKeyStore([[init.platformSerial, loadPublicKey(await readFile(init.platformCertPath))]]);
  client = createClient({
    baseUrl: t.sb.url,
    merchant: t.merchant,
    keys,
    apiV3Key: await loadApiV3Key({ apiV3Key: { kind: 'file', path: init.apiV3KeyPath } } as never, {}),
  });
  // 4 orders: 3 paid (one with commas and a quote in its description), 1 unpaid; one refund done, one pending.
  const nos = [uniqueNo('B'), uniqueNo('B'), uniqueNo('B'), uniqueNo('B')];
  const totals = [100, 2599, 12345, 700];
  for (const [i, no] of nos.entries()) {
    const body = {
      ...jsapiBody(t.init, no, NOTIFY, totals[i]),
      ...(i === 1 ? { description: '绿茶, 大杯, "冰"' } : {}),
    };
    const r = await client.request({ method: 'POST', path: '/v3/pay/transactions/jsapi', body });
    expect(r.status).toBe(200);
  }
  for (const no of nos.slice(0, 3)) expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
  const refund = (no: string, rno: string, refund: number, total: number) =>
    client.request({
      method: 'POST',
      path: '/v3/refund/domestic/refunds',
      body: {
        out_trade_no: no,
        out_refund_no: rno,
        reason: '质量问题\n换货',
        amount: { refund, total, currency: 'CNY' },
      },
    });
  await refund(nos[1]!, `R${nos[1]}`, 599, 2599);
  await refund(nos[2]!, `R${nos[2]}`, 12345, 12345);
  expect((await t.admin('POST', `/sandbox/refunds/R${nos[1]}/complete`)).status).toBe(200);
});
afterAll(async () => {
  await client?.close();
  await t?.sb.close();
});

/** What the trade bill must say, computed from the sandbox's state. */
function expected() {
  const s = t.sb.state.snapshot();
  const paid = s.orders.filter((o) => o.successTime !== undefined);
  const rows = [
    ...paid.map((o) => ({
      out_trade_no: o.outTradeNo,
      trade_state: 'SUCCESS',
      total: fenToYuan(o.total),
      settlement_total: fenToYuan(o.total),
      fee: (feeFen(o.total) / 100).toFixed(5),
      out_refund_no: '0',
      refund_amount: '0.00',
      applied_refund: '0.00',
      description: o.description,
    })),
    ...s.refunds.map((r) => ({
      out_trade_no: r.outTradeNo,
      trade_state: 'REFUND',
      total: '0.00',
      settlement_total: '0.00',
      fee: '0.00000',
      out_refund_no: r.outRefundNo,
      refund_amount: r.status === 'SUCCESS' ? fenToYuan(r.refund) : '0.00',
      applied_refund: fenToYuan(r.refund),
      refund_status: r.status,
    })),
  ];
  const sum = (xs: number[]) => fenToYuan(xs.reduce((a, b) => a + b, 0));
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

const parseText = (text: string): { rows: Record<string, string>[]; summary: Record<string, unknown> } => {
  const p = new BillParser();
  const recs: BillRecord[] = [...p.push(text), ...p.end()];
  const keys = (recs[0] as { columns: string[] }).columns.map(keyOf);
  const s = recs.find((r) => r.type === 'summary') as Extract<BillRecord, { type: 'summary' }>;
  return {
    rows: recs.filter((r) => r.type === 'row').map((r) => typedRow(keys, (r as { values: string[] }).values)),
    summary: typedSummary(s.columns, s.values),
  };
};

/** Reads any output format back into typed rows + summary. */
function readBack(
  file: string,
  format: string,
  gzip: boolean,
): { rows: Record<string, string>[]; summary: Record<string, unknown> } {
  const buf = readFileSync(file);
  if (format === 'raw') return parseText((gzip ? gunzipSync(buf) : buf).toString('utf8'));
  if (format === 'csv') {
    // Our CSV is RFC 4180 without backticks; re-tick each field to reuse the bill parser on it.
    const recs = parse(buf, { relax_column_count: true }) as string[][];
    const keys = recs[0]!.map(keyOf);
    return { rows: recs.slice(1, -2).map((v) => typedRow(keys, v)), summary: typedSummary(recs.at(-2)!, recs.at(-1)!) };
  }
  if (format === 'json') {
    const doc = JSON.parse(buf.toString('utf8'));
    return { rows: doc.rows, summary: doc.summary };
  }
  const lines = buf
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const strip = ({ record: _, ...rest }: Record<string, string>) => rest;
  return {
    rows: lines.filter((l) => l.record === 'row').map(strip),
    summary: strip(lines.find((l) => l.record === 'summary')),
  };
}

describe('trade bill from the sandbox state', () => {
  for (const gzip of [false, true]) {
    for (const format of ['raw', 'csv', 'json', 'ndjson'] as const) {
      it(`${format}${gzip ? ' + gzip' : ''}: rows and summary equal the sandbox state`, async () => {
        const apply = await applyTradeBill(client, { billDate: today, billType: 'ALL', gzip });
        expect(apply).toMatchObject({
          hash_type: 'SHA1',
          hash_value: expect.stringMatching(/^[0-9a-f]{40}$/),
          download_url: expect.stringContaining('/v3/billdownload/file?token='),
        });
        const target = path.join(out, `trade-${format}${gzip ? '.gz' : ''}`);
        const got = await downloadBill(client, apply, { gzip, format, target });
        const want = expected();
        expect(got).toMatchObject({ rows: want.rows.length, kind: 'trade', totalsMismatch: [], summary: want.summary });
        const back = readBack(target, format, gzip);
        expect(back.summary).toEqual(want.summary);
        const key = (r: Record<string, string>) => `${r.out_trade_no}/${r.out_refund_no}`;
        const sorted = <T extends Record<string, string>>(xs: T[]) =>
          [...xs].sort((a, b) => key(a).localeCompare(key(b)));
        const rows = sorted(back.rows);
        sorted(want.rows).forEach((w, i) => expect(rows[i]).toMatchObject(w));
        expect(rows).toHaveLength(want.rows.length);
      });
    }
  }

  it('SUCCESS and REFUND bills use their own layouts', async () => {
    const succ = await downloadBill(client, await applyTradeBill(client, { billDate: today, billType: 'SUCCESS' }), {
      gzip: false,
      format: 'json',
      target: path.join(out, 's.json'),
    });
    expect(succ.summary).toMatchObject({ total_count: 3, order_total: expected().summary.order_total });
    const doc = JSON.parse(readFileSync(path.join(out, 's.json'), 'utf8'));
    expect(doc.columns).not.toContain('refund_id');
    const ref = await downloadBill(client, await applyTradeBill(client, { billDate: today, billType: 'REFUND' }), {
      gzip: true,
      format: 'ndjson',
      target: path.join(out, 'r.ndjson'),
    });
    expect(ref.summary).toMatchObject({ total_count: 2, refund_total: '5.99', applied_refund_total: '129.44' });
    const first = JSON.parse(readFileSync(path.join(out, 'r.ndjson'), 'utf8').split('\n')[0]!);
    expect(first).toHaveProperty('refund_create_time');
  });

  it('fund-flow bill: income, fees and the refund with its \\n-escaped reason', async () => {
    const apply = await applyFundFlowBill(client, { billDate: today, accountType: 'BASIC', gzip: true });
    const got = await downloadBill(client, apply, { gzip: true, format: 'ndjson', target: path.join(out, 'f.ndjson') });
    expect(got.totalsMismatch).toEqual([]);
    const lines = readFileSync(path.join(out, 'f.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const refund = lines.find((l) => l.business_name === '退款');
    expect(refund).toMatchObject({ direction: '支出', amount: '5.99', remark: '质量问题\n换货' });
    expect(lines.at(-1)).toMatchObject({ record: 'summary', income_count: 3, income_amount: '150.44' });
    await expect(applyFundFlowBill(client, { billDate: today, accountType: 'OPERATION' })).rejects.toMatchObject({
      code: 'WECHATPAY_ERROR',
      wechatpay: { code: 'NO_STATEMENT_EXIST' },
    });
  });
});

describe('bill errors and faults', () => {
  it('bill-hash fault: HASH_MISMATCH (exit 6) and no file left', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bills-bad-'));
    await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'bill-hash', count: 2 }] });
    for (const gzip of [false, true]) {
      const apply = await applyTradeBill(client, { billDate: today, gzip });
      await expect(
        downloadBill(client, apply, { gzip, format: 'ndjson', target: path.join(d, 'x.ndjson') }),
      ).rejects.toMatchObject({ code: 'HASH_MISMATCH', exitCode: 6 });
    }
    expect(readdirSync(d)).toEqual([]);
    await t.admin('DELETE', '/sandbox/faults');
  });

  it('NO_STATEMENT_EXIST for a day without rows or older than 3 months; STATEMENT_CREATING by fault; PARAM_ERROR for a future date', async () => {
    await expect(applyTradeBill(client, { billDate: '2020-01-01' })).rejects.toMatchObject({
      wechatpay: { status: 400, code: 'NO_STATEMENT_EXIST' },
    });
    const yesterday = chinaDate(Date.now() - 86_400_000);
    await expect(applyTradeBill(client, { billDate: yesterday })).rejects.toMatchObject({
      wechatpay: { code: 'NO_STATEMENT_EXIST' },
    });
    await t.admin('POST', '/sandbox/faults', { faults: [{ kind: 'bill-creating', count: 1 }] });
    await expect(applyTradeBill(client, { billDate: today })).rejects.toMatchObject({
      wechatpay: { code: 'STATEMENT_CREATING' },
    });
    await expect(applyTradeBill(client, { billDate: '2999-01-01' })).rejects.toMatchObject({
      wechatpay: { code: 'PARAM_ERROR' },
    });
    await expect(applyTradeBill(client, { billDate: '2024-02-30' })).rejects.toMatchObject({
      wechatpay: { code: 'PARAM_ERROR' },
    });
  });

  it('the download exemption is for /v3/billdownload/file only', async () => {
    await expect(
      downloadBill(
        client,
        { hash_type: 'SHA1', hash_value: '0'.repeat(40), download_url: `${t.sb.url}/v3/certificates` },
        { gzip: false, format: 'raw', target: path.join(out, 'no') },
      ),
    ).rejects.toMatchObject({ code: 'VERIFY_UNSIGNED' });
  });

  it('seeded synthetic orders are generated on demand and add up', async () => {
    const date = chinaDate(Date.now() - 2 * 86_400_000);
    expect((await t.admin('POST', '/sandbox/bills/seed', { date, count: 2000, refundEvery: 10 })).status).toBe(200);
    const got = await downloadBill(client, await applyTradeBill(client, { billDate: date, gzip: true }), {
      gzip: true,
      format: 'csv',
      target: path.join(out, 'seed.csv'),
    });
    expect(got).toMatchObject({ rows: 2200, totalsMismatch: [], summary: { total_count: 2200 } });
    await t.admin('DELETE', '/sandbox/bills/seed');
  });
});
