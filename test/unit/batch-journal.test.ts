// The batch journal (fsynced NDJSON, torn-tail repair, group commit, lock) and the resume planner.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, parseJournal, readJournal } from '../../src/batch/journal.js';
import { lockJournal } from '../../src/batch/journal-lock.js';
import { foldJournal, planBatch, stableJson } from '../../src/batch/plan.js';
import type { BatchRow, JournalRecord } from '../../src/batch/types.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'wxpay-batch-journal-'));
const at = '2026-01-01T00:00:00.000Z';
const row = (key: string, line: number, amount = 10): BatchRow => ({
  line,
  key,
  outTradeNo: `ORDER${key}`,
  outRefundNo: key,
  amount,
  total: 100,
});
const body = (r: BatchRow) => ({
  out_trade_no: r.outTradeNo,
  out_refund_no: r.outRefundNo,
  amount: { refund: r.amount, total: r.total, currency: 'CNY' },
});

describe('Journal', () => {
  it('appends records that are on disk when append resolves, sharing one write for concurrent appends', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    const j = await Journal.open(file);
    await Promise.all(
      ['A', 'B', 'C'].map((key, i) => j.append({ type: 'start', key, line: i + 2, request: { n: i }, at })),
    );
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).key),
    ).toEqual(['A', 'B', 'C']);
    await j.append({ type: 'done', key: 'A', status: 'succeeded', id: 'r1', at });
    await j.close();
    expect((await readJournal(file))!.records).toHaveLength(4);
  });

  it('drops a torn last line (a write cut by SIGKILL) and appends after the last whole record', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    writeFileSync(file, `${JSON.stringify({ type: 'start', key: 'A', line: 2, request: {}, at })}\n{"type":"done","ke`);
    const contents = (await readJournal(file))!;
    expect(contents).toMatchObject({ tornTail: true, records: [{ key: 'A' }] });
    const j = await Journal.open(file, contents.validBytes);
    await j.append({ type: 'done', key: 'A', status: 'succeeded', at });
    await j.close();
    expect(parseJournal(readFileSync(file, 'utf8'))).toMatchObject({
      tornTail: false,
      records: [{ type: 'start' }, { type: 'done' }],
    });
  });

  it('refuses a journal damaged in the middle, and reports a missing one as undefined', async () => {
    expect(() => parseJournal('{"type":"start"}\nnot json\n{"type":"done"}\n', 'j')).toThrow(
      expect.objectContaining({ code: 'BATCH_JOURNAL_INVALID', message: 'j line 2 is not a journal record' }),
    );
    expect(await readJournal(path.join(tmp(), 'none.ndjson'))).toBeUndefined();
  });

  it('lets one process at a time hold a journal, and takes over a lock left by a dead process', async () => {
    const file = path.join(tmp(), 'j.ndjson');
    const lock = await lockJournal(file);
    await expect(lockJournal(file, process.pid + 1)).rejects.toMatchObject({ code: 'BATCH_JOURNAL_CONFLICT' });
    await lock.release();
    writeFileSync(`${file}.lock`, '2147483646\n');
    const again = await lockJournal(file);
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await again.release();
  });

  it('takes over a stale lock even when a remover died holding its claim, and leaves no claim behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'j.ndjson');
    writeFileSync(`${file}.lock`, '2147483646\n');
    writeFileSync(`${file}.lock.claim-${statSync(`${file}.lock`).ino}`, '2147483645\n');
    const lock = await lockJournal(file);
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    expect(readdirSync(dir).sort()).toEqual(['j.ndjson.lock']);
    await lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('planBatch', () => {
  const rows = [row('R1', 2), row('R2', 3), row('R3', 4), row('R4', 5), row('R5', 6)];
  const records: JournalRecord[] = [
    { type: 'batch', v: 1, kind: 'refund', input: 'x.csv', at },
    { type: 'start', key: 'R1', line: 2, request: body(rows[0]!), at },
    { type: 'done', key: 'R1', status: 'succeeded', id: 'RF1', state: 'SUCCESS', at },
    { type: 'start', key: 'R2', line: 3, request: body(rows[1]!), at },
    { type: 'start', key: 'R3', line: 4, request: body(rows[2]!), at },
    { type: 'unknown', key: 'R3', code: 'SYSTEM_ERROR', message: 'HTTP 500', at },
    { type: 'start', key: 'R4', line: 5, request: body(rows[3]!), at },
    { type: 'done', key: 'R4', status: 'rejected', code: 'NOT_ENOUGH', message: 'no', at },
    { type: 'start', key: 'GONE', line: 9, request: {}, at },
  ];

  it('skips finished rows, looks up unknown ones first, sends the rest, and names orphans', () => {
    const r = planBatch({ rows, states: foldJournal(records, 'refund'), requestOf: body, lookupFirst: true });
    expect('plan' in r && r.plan.rows.map((p) => [p.row.key, p.action])).toEqual([
      ['R1', 'skip'],
      ['R2', 'verify'],
      ['R3', 'verify'],
      ['R4', 'skip'],
      ['R5', 'send'],
    ]);
    expect('plan' in r && r.plan.rows[0]!.result).toEqual({
      line: 2,
      key: 'R1',
      status: 'succeeded',
      fromJournal: true,
      id: 'RF1',
      state: 'SUCCESS',
    });
    expect('plan' in r && r.plan.rows[3]!.result).toMatchObject({ status: 'rejected', code: 'NOT_ENOUGH' });
    expect('plan' in r && r.plan.orphans).toEqual(['GONE']);
  });

  it('resends unknown rows directly when resending is harmless (no look-up)', () => {
    const r = planBatch({ rows, states: foldJournal(records, 'refund'), requestOf: body, lookupFirst: false });
    expect('plan' in r && r.plan.rows[1]!.action).toBe('send');
  });

  it('blocks the batch when a started row now has a different body (a changed amount)', () => {
    const changed = rows.map((r) => (r.key === 'R2' ? { ...r, amount: 11 } : r));
    const r = planBatch({ rows: changed, states: foldJournal(records, 'refund'), requestOf: body, lookupFirst: true });
    expect(r).toMatchObject({
      conflicts: [{ line: 3, message: expect.stringMatching(/^R2 differs from the request the journal recorded/) }],
    });
  });

  it('refuses a journal of another kind of batch; compares bodies whatever their key order', () => {
    expect(() => foldJournal(records, 'close', 'j')).toThrow(
      expect.objectContaining({ code: 'BATCH_JOURNAL_CONFLICT' }),
    );
    expect(stableJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: 'x' } })).toBe(
      stableJson({ a: { c: 'x', d: [1, { x: 2, y: 1 }] }, b: 1 }),
    );
  });
});
