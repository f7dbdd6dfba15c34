// bill reconcile's engine (issue 17): the external sort merges many runs in order, each category is found, the
// merchant's columns map in fen or yuan, and untrusted input stays harmless: CSV cells that a spreadsheet would run
// as formulas, escape sequences in the table, and a line that never ends.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../../src/bills/layout.js';
import { csvCell, ReportWriter, tableCell } from '../../src/command-kit/reconcile-report.js';
import { ExternalSorter } from '../../src/reconcile/external-sort.js';
import { parseMineMap } from '../../src/reconcile/mine-map.js';
import { csvFields } from '../../src/reconcile/mine-source.js';
import { reconcile, type Finding } from '../../src/reconcile/index.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'wxpay-reconcile-unit-'));

/** A raw ALL trade bill: payments [no, yuan], refunds [no, out_refund_no, yuan, status]. */
function billText(pays: Array<[string, string]>, refunds: Array<[string, string, string, string]> = []): string {
  const cols = TRADE_COLUMNS.ALL;
  const row = (set: Record<string, string>) => cols.map((c) => `\`${set[c] ?? '0.00'}`).join(',');
  const lines = [
    ...pays.map(([no, y]) =>
      row({ 交易时间: '2026-12-01 10:00:00', 商户订单号: no, 交易状态: 'SUCCESS', 订单金额: y }),
    ),
    ...refunds.map(([no, rno, y, st]) =>
      row({
        交易时间: '2026-12-01 11:00:00',
        商户订单号: no,
        交易状态: 'REFUND',
        商户退款单号: rno,
        退款金额: y,
        退款状态: st,
      }),
    ),
  ];
  const sum = TRADE_SUMMARY_COLUMNS.ALL;
  return `${cols.join(',')}\n${lines.join('\n')}\n${sum.join(',')}\n${sum.map(() => '`0').join(',')}\n`;
}

async function run(
  files: { bill: string; mine?: string; journal?: string; mineName?: string },
  map?: string,
  runLines?: number,
) {
  const d = dir();
  const write = (name: string, text: string) => (writeFileSync(path.join(d, name), text), path.join(d, name));
  const findings: Finding[] = [];
  const stats = await reconcile(
    {
      dir: d,
      billFile: write('bill.csv', files.bill),
      mineFile: files.mine === undefined ? undefined : write(files.mineName ?? 'mine.csv', files.mine),
      journalFile: files.journal === undefined ? undefined : write('j.ndjson', files.journal),
      map,
      runLines,
    },
    (f) => findings.push(f),
  );
  return { stats, findings, d };
}

const cb = (event: string, no: string, rno?: string) =>
  `${JSON.stringify({ outcome: 'accepted', event_type: event, resource: { out_trade_no: no, out_refund_no: rno } })}\n`;

describe('external sort', () => {
  it('merges many spilled runs into one ordered stream', () => {
    const d = dir();
    const s = new ExternalSorter(d, 7);
    const lines = Array.from({ length: 100 }, (_, i) => `k${(i * 37) % 100}`);
    for (const l of lines) s.add(l);
    expect([...s.sorted()]).toEqual([...lines].sort());
    expect(readdirSync(d)).toHaveLength(15);
  });
});

describe('reconcile', () => {
  const bill = billText(
    [
      ['A1', '1.00'],
      ['A2', '2.00'],
      ['A3', '3.00'],
      ['A4', '4.00'],
    ],
    [['A4', 'RA4', '4.00', 'SUCCESS']],
  );
  const mine = 'id,fen,st\nA1,100,PAID\nA2,201,PAID\nA4,400,PAID\nX9,5,PAID\nX10,5,NOTPAY\n';
  const journal = cb('TRANSACTION.SUCCESS', 'A1') + cb('TRANSACTION.SUCCESS', 'A2') + cb('TRANSACTION.SUCCESS', 'A4');

  it('finds every category, the same with 2-line runs as in memory', async () => {
    const map = 'out_trade_no=id,amount=fen,state=st';
    const one = await run({ bill, mine, journal }, map);
    const many = await run({ bill, mine, journal }, map, 2);
    const show = (fs: Finding[]) => fs.map((f) => `${f.category} ${f.out_trade_no} ${f.bill ?? ''}|${f.mine ?? ''}`);
    expect(show(one.findings)).toEqual([
      'amount_mismatch A2 2.00|2.01',
      'missing_in_mine A3 3.00|',
      'paid_without_callback A3 3.00|',
      'state_mismatch A4 REFUND|SUCCESS',
      'refund_without_callback A4 SUCCESS 4.00|',
      'missing_in_bill X9 |0.05',
    ]);
    expect(show(many.findings)).toEqual(show(one.findings));
    expect(one.stats).toMatchObject({ billRows: 5, mineRows: 5, callbacks: 3, orders: 6 });
  });

  it('reads amounts in yuan with amount_yuan= and NDJSON with dotted keys', async () => {
    const yuan = await run({ bill, mine: 'id,y\nA1,1.00\nA2,2\nA3,3.01\nA4,4.00\n' }, 'out_trade_no=id,amount_yuan=y');
    expect(yuan.findings.map((f) => `${f.category} ${f.out_trade_no}`)).toEqual(['amount_mismatch A3']);
    const rows = [
      { order: { id: 'A1', amount: { total: 100 } } },
      { order: { id: 'A2', amount: { total: 200 } } },
      { order: { id: 'A3', amount: { total: '300' } } },
      { order: { id: 'A4', amount: { total: 401 } } },
    ];
    const nd = await run(
      { bill, mine: rows.map((r) => JSON.stringify(r)).join('\n'), mineName: 'mine.ndjson' },
      'out_trade_no=order.id,amount=order.amount.total',
    );
    expect(nd.findings.map((f) => `${f.category} ${f.out_trade_no} ${f.mine ?? ''}`)).toEqual([
      'amount_mismatch A4 4.01',
    ]);
  });

  it('refuses a line over 1 MiB instead of growing a string without bound', async () => {
    await expect(run({ bill, mine: `out_trade_no\n${'A'.repeat(2 << 20)}` })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('longer than'),
    });
    await expect(run({ bill: 'x'.repeat(2 << 20) })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('refuses an amount that is not fen, naming the line', async () => {
    await expect(run({ bill, mine: 'out_trade_no,amount\nA1,1.00\n' })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('line 2'),
    });
  });
});

describe('the merchant map', () => {
  it('defaults to the columns named out_trade_no, amount and state; refuses unknown targets', () => {
    expect(parseMineMap(undefined, (c) => c === 'amount')).toEqual({
      outTradeNo: 'out_trade_no',
      amount: { column: 'amount', unit: 'fen' },
      state: undefined,
    });
    expect(() => parseMineMap('total=x', () => true)).toThrow(/--map "total=x"/);
    expect(() => parseMineMap('amount=a,amount_yuan=b', () => true)).toThrow(/not both/);
  });
  it('splits RFC 4180 lines', () => {
    expect(csvFields('a,"b,""c""",d')).toEqual(['a', 'b,"c"', 'd']);
  });
});

describe('the report', () => {
  it('defuses spreadsheet formulas in CSV cells (csv-injection)', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(['+1', '-1', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'+1", "'-1", "'@SUM(A1)", "'\tx"]);
    expect(csvCell('ORDER1')).toBe('ORDER1');
  });

  it('shows escape sequences in table cells instead of sending them, and bounds their width', () => {
    const cell = tableCell('\u001b[2J\u001b]0;pwned\u0007A', 10);
    expect(cell).not.toMatch(/[\u0000-\u001f]/);
    expect(cell).toContain('\\x1b[2J');
    expect(tableCell('Z'.repeat(500), 10)).toHaveLength(64);
  });

  it('writes an injected out_trade_no harmlessly in every format', async () => {
    const hostile = '=cmd|calc';
    const { findings, stats, d } = await run({ bill: billText([[hostile, '1.00']]), mine: 'out_trade_no\n' });
    for (const format of ['csv', 'table', 'json'] as const) {
      const file = path.join(d, `r.${format}`);
      const w = new ReportWriter(file, format, { date: '2026-12-01' });
      findings.forEach((f) => w.add(f));
      w.finish(stats);
      const text = readFileSync(file, 'utf8');
      if (format === 'csv') expect(text.split('\n')[1]).toBe("missing_in_mine,'=cmd|calc,,1.00,,2026-12-01 10:00:00");
      if (format === 'json')
        expect(JSON.parse(text)).toMatchObject({ date: '2026-12-01', findings: [{ out_trade_no: hostile }] });
      if (format === 'table') expect(text).toContain('missing_in_mine          1');
    }
  });
});
