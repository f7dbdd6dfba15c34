// The PostgreSQL batch ledger (store/batch-ledger.ts) against a real server: concurrent claims of one order from
// many connections pass the check one at a time (the order row's lock), a refused or settled refund counts as the
// rule says, a transfer started by one batch is never started by another, and a batch refuses a ledger whose schema
// is behind or newer than this binary's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { WxpayError } from '../../src/protocol/errors.js';
import { openPool } from '../../src/store/connect.js';
import { batchLedgerStore, decideRefund, type RefundClaim } from '../../src/store/batch-ledger.js';
import { latestVersion, migrate } from '../../src/store/migrations.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';

const claim = (no: string, amount: number, extra: Partial<RefundClaim> = {}): RefundClaim => ({
  mchid: '1900000109',
  orderKey: 'O1',
  outRefundNo: no,
  amount,
  total: 300,
  owner: 'host:a.journal.ndjson',
  allowAdditional: false,
  ...extra,
});

it('decideRefund: the same number resumes, another needs the flag, the sum stays within the total', () => {
  const made = { orderKey: 'O1', status: 'succeeded' as const, state: 'SUCCESS', owner: 'b' };
  expect(decideRefund(claim('R1', 100), 300, [{ ...made, outRefundNo: 'R1', amount: 100 }])).toEqual({ ok: true });
  expect(decideRefund(claim('R1', 200), 300, [{ ...made, outRefundNo: 'R1', amount: 100 }])).toMatchObject({
    ok: false,
    code: 'LEDGER_REFUND_NUMBER_TAKEN',
  });
  const other = [{ ...made, outRefundNo: 'R0', amount: 200 }];
  expect(decideRefund(claim('R1', 100), 300, other)).toMatchObject({ ok: false, code: 'LEDGER_ALREADY_REFUNDED' });
  expect(decideRefund(claim('R1', 100, { allowAdditional: true }), 300, other)).toEqual({ ok: true });
  expect(decideRefund(claim('R1', 101, { allowAdditional: true }), 300, other)).toMatchObject({
    ok: false,
    code: 'LEDGER_REFUND_EXCEEDS_TOTAL',
  });
  // Refused (no money moved) is not another refund; CLOSED is, but adds nothing to the sum.
  expect(decideRefund(claim('R1', 300), 300, [{ ...other[0]!, status: 'refused', state: null }])).toEqual({ ok: true });
  const closed = [{ ...other[0]!, state: 'CLOSED' }];
  expect(decideRefund(claim('R1', 300), 300, closed)).toMatchObject({ code: 'LEDGER_ALREADY_REFUNDED' });
  expect(decideRefund(claim('R1', 300, { allowAdditional: true }), 300, closed)).toEqual({ ok: true });
  // The order's first recorded total bounds a row that claims a larger one.
  expect(decideRefund(claim('R1', 250, { total: 500 }), 200, [])).toMatchObject({
    code: 'LEDGER_REFUND_EXCEEDS_TOTAL',
  });
});

describePg('the PostgreSQL batch ledger', () => {
  let server: PgServer;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    server = await sharedPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const p of pools) await p.end();
  });

  async function fresh() {
    const url = await server.createDatabase();
    const pool = await openPool(url, { max: 20 });
    pools.push(pool);
    await migrate(pool, url);
    return { url, pool, ledger: batchLedgerStore(pool) };
  }

  it('20 concurrent claims of one order under 20 numbers: exactly one passes without the flag, 3 with it', async () => {
    const { ledger, pool } = await fresh();
    const nos = Array.from({ length: 20 }, (_, i) => `R${i}`);
    const once = await Promise.all(nos.map((no) => ledger.claimRefund(claim(no, 100))));
    expect(once.filter((a) => a.ok)).toHaveLength(1);
    expect(new Set(once.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.code)))).toEqual(
      new Set(['LEDGER_ALREADY_REFUNDED']),
    );
    const more = await Promise.all(
      nos.map((no) => ledger.claimRefund(claim(`X${no}`, 100, { orderKey: 'O2', allowAdditional: true }))),
    );
    expect(more.filter((a) => a.ok)).toHaveLength(3);
    const rows = await pool.query<{ n: number; s: number }>(
      `SELECT count(*)::int AS n, sum(amount)::int AS s FROM wxpay_ledger_refunds WHERE order_key = 'O2'`,
    );
    expect(rows.rows[0]).toEqual({ n: 3, s: 300 });
  });

  it('a refused refund frees its share; an unknown one keeps it', async () => {
    const { ledger } = await fresh();
    const opts = { allowAdditional: true };
    expect(await ledger.claimRefund(claim('R1', 200, opts))).toEqual({ ok: true });
    await ledger.settleRefund('1900000109', 'R1', { status: 'unknown' });
    expect(await ledger.claimRefund(claim('R2', 200, opts))).toMatchObject({ code: 'LEDGER_REFUND_EXCEEDS_TOTAL' });
    await ledger.settleRefund('1900000109', 'R1', { status: 'refused' });
    expect(await ledger.claimRefund(claim('R2', 200, opts))).toEqual({ ok: true });
    // The refused number may be claimed again (for any order): nothing was made under it.
    expect(await ledger.claimRefund(claim('R1', 100, opts))).toEqual({ ok: true });
    expect(await ledger.claimRefund(claim('R1', 50, { ...opts, orderKey: 'O9' }))).toMatchObject({
      code: 'LEDGER_REFUND_NUMBER_TAKEN',
    });
  });

  it('a transfer started by one batch is never started by another; its own batch resumes it', async () => {
    const { ledger } = await fresh();
    const t = (owner: string) => ({ mchid: '1900000109', outBillNo: 'B1', amount: 100, owner });
    const racers = await Promise.all(['a', 'b', 'c', 'd'].map((o) => ledger.claimTransfer(t(o))));
    expect(racers.filter((r) => r.ok)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][racers.findIndex((r) => r.ok)]!;
    expect(await ledger.claimTransfer(t(winner))).toEqual({ ok: true });
    expect(await ledger.claimTransfer(t('z'))).toMatchObject({ ok: false, code: 'LEDGER_TRANSFER_STARTED' });
    await ledger.settleTransfer('1900000109', 'B1', { status: 'refused' });
    expect(await ledger.claimTransfer(t('z'))).toEqual({ ok: true });
  });

  describePg('a batch with --ledger', () => {
    let env: BatchEnv;
    beforeAll(async () => {
      env = await batchEnv();
    });
    afterAll(() => env?.close());

    it('the profile field `ledger` (WXPAY_LEDGER) is shown by config show with its password hidden', async () => {
      const url = 'postgres://wxpay:pw-hidden@127.0.0.1:5432/ledger';
      const shown = await runInProcess(['config', 'show', '--json'], {
        cwd: env.init.dir,
        env: { ...env.env, WXPAY_LEDGER: url },
      });
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout).fields.ledger).toEqual({
        value: 'postgres://wxpay:…@127.0.0.1:5432/ledger',
        source: 'env:WXPAY_LEDGER',
      });
      expect(shown.stdout).not.toContain('pw-hidden');
    });

    it('refuses a ledger whose schema is behind (run migrate) or newer, before anything is sent', async () => {
      const url = await server.createDatabase();
      const file = `${env.dir}/schema.csv`;
      const { writeFileSync } = await import('node:fs');
      env.seed(['LSCHEMA1'], 300);
      writeFileSync(file, 'out_trade_no,out_refund_no,amount,total\nLSCHEMA1,RLSCHEMA1,100,300\n');
      const args = ['refund', 'create', '--from', file, '--yes', '--ledger', url.replace('wxpay@', 'wxpay:pw-hidden@')];
      const behind = await runInProcess(args, { cwd: env.init.dir, env: env.env });
      expect(behind.code).toBe(3);
      expect((behind.error as WxpayError | undefined)?.code).toBe('STORE_SCHEMA_BEHIND');
      expect((behind.error as WxpayError | undefined)?.hint).toContain('wxpay webhook migrate --store');
      expect(JSON.stringify([(behind.error as WxpayError | undefined)?.message, behind.stderr])).not.toContain(
        'pw-hidden',
      );
      const pool = await openPool(url);
      pools.push(pool);
      await migrate(pool, url);
      await pool.query(`INSERT INTO wxpay_schema_migrations (version, name) VALUES ($1, 'newer')`, [
        latestVersion() + 1,
      ]);
      const newer = await runInProcess(args, { cwd: env.init.dir, env: env.env });
      expect(newer.code).toBe(3);
      expect((newer.error as WxpayError | undefined)?.code).toBe('STORE_SCHEMA_NEWER');
      expect(env.ok('POST /v3/refund/domestic/refunds')).toBe(0);
    });
  });
});
