// Issue 18, the ledger test: two real `wxpay refund create --from` processes over overlapping CSVs (the same orders,
// under renamed out_refund_nos and under the same ones) run at once against one sandbox and one PostgreSQL ledger
// (--ledger / WXPAY_LEDGER). Each runs in its own folder, as on two machines, so the per-folder journals cannot see
// each other: only the shared ledger stands between them. Checked against the sandbox's own state (admin API).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchEnv, spawnCli, type BatchEnv } from '../helpers/batch-harness.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';

interface SandboxRefund {
  outTradeNo: string;
  outRefundNo: string;
  refund: number;
}

describePg('batch refunds, two operators, one PostgreSQL ledger', () => {
  let pgServer: PgServer;
  let env: BatchEnv;
  beforeAll(async () => {
    [pgServer, env] = await Promise.all([sharedPostgres(), batchEnv()]);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  async function ledgerDb(): Promise<string> {
    const url = await pgServer.createDatabase();
    const m = await runCli(['webhook', 'migrate', '--store', url], { cwd: env.init.dir, env: env.env });
    expect(m.code, m.stderr).toBe(0);
    return url;
  }

  /** Writes the CSV in a folder of its own (another machine) and returns the batch's arguments. */
  function operator(name: string, rows: Array<[string, string, number, number]>, extra: string[] = []): string[] {
    const dir = mkdtempSync(path.join(os.tmpdir(), `wxpay-ledger-${name}-`));
    const file = path.join(dir, `${name}.csv`);
    writeFileSync(file, `out_trade_no,out_refund_no,amount,total\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    return ['refund', 'create', '--from', file, '--yes', '--json', '--rate', '1000', '--concurrency', '4', ...extra];
  }

  const runBoth = async (a: string[], b: string[], ledger: string): Promise<[CliResult, CliResult]> => {
    const run = (args: string[]) => spawnCli(args, { cwd: env.init.dir, env: { ...env.env, WXPAY_LEDGER: ledger } });
    return Promise.all([run(a), run(b)]);
  };

  /** The rows the batches' --json events report refused with `code`. */
  const refusedBy = (runs: Array<{ stdout: string }>, code: string) =>
    runs
      .flatMap((r) => r.stdout.split('\n').filter((l) => l.startsWith('{"type":"row"')))
      .map((l) => JSON.parse(l) as { code?: string })
      .filter((row) => row.code === code).length;

  async function refundsByOrder(prefix: string): Promise<Map<string, SandboxRefund[]>> {
    const state = (await env.admin('GET', '/sandbox/state')) as { refunds: SandboxRefund[] };
    const by = new Map<string, SandboxRefund[]>();
    for (const r of state.refunds.filter((x) => x.outTradeNo.startsWith(prefix)))
      by.set(r.outTradeNo, [...(by.get(r.outTradeNo) ?? []), r]);
    return by;
  }

  it('without --allow-additional-refund: each order is refunded once, whichever operator got there first', async () => {
    const ledger = await ledgerDb();
    const orders = Array.from({ length: 40 }, (_, i) => `LGA${String(i).padStart(3, '0')}`);
    env.seed(orders, 300);
    // B renames every refund, except every fourth which it lists under A's own number. Two refunds of 100 fit the
    // total of 300, so WeChat Pay (the sandbox) would make both: only the ledger can refuse the second.
    const a = operator(
      'a',
      orders.map((o) => [o, `A${o}`, 100, 300]),
    );
    const b = operator(
      'b',
      orders.map((o, i) => [o, i % 4 === 0 ? `A${o}` : `B${o}`, 100, 300]),
    );
    const [ra, rb] = await runBoth(a, b, ledger);
    expect(
      [ra.code, rb.code].every((c) => c === 0 || c === 5),
      `${ra.stderr}\n${rb.stderr}`,
    ).toBe(true);
    const by = await refundsByOrder('LGA');
    expect([...by.keys()].sort()).toEqual(orders);
    for (const o of orders) {
      const refunds = by.get(o)!;
      expect(refunds.length, `${o}: ${JSON.stringify(refunds)}`).toBe(1);
      expect(refunds[0]!.refund).toBe(100);
    }
    // The renamed rows that lost the race were refused by the ledger, not sent.
    expect(refusedBy([ra, rb], 'LEDGER_ALREADY_REFUNDED')).toBe(30);
  }, 120_000);

  it('with --allow-additional-refund: the additional refunds happen and never pass the total', async () => {
    const ledger = await ledgerDb();
    const fits = Array.from({ length: 20 }, (_, i) => `LGF${String(i).padStart(3, '0')}`);
    const over = Array.from({ length: 20 }, (_, i) => `LGO${String(i).padStart(3, '0')}`);
    env.seed([...fits, ...over], 300);
    const flag = ['--allow-additional-refund'];
    // fits: 200 + 100 = 300, both allowed. over: 200 + 150 = 350, only one of the two.
    const a = operator(
      'fa',
      [...fits, ...over].map((o) => [o, `A${o}`, 200, 300]),
      flag,
    );
    const b = operator(
      'fb',
      [
        ...fits.map((o) => [o, `B${o}`, 100, 300] as [string, string, number, number]),
        ...over.map((o) => [o, `B${o}`, 150, 300] as [string, string, number, number]),
      ],
      flag,
    );
    const [ra, rb] = await runBoth(a, b, ledger);
    expect(
      [ra.code, rb.code].every((c) => c === 0 || c === 5),
      `${ra.stderr}\n${rb.stderr}`,
    ).toBe(true);
    const fitted = await refundsByOrder('LGF');
    for (const o of fits)
      expect(
        fitted
          .get(o)!
          .map((r) => r.outRefundNo)
          .sort(),
        o,
      ).toEqual([`A${o}`, `B${o}`]);
    const capped = await refundsByOrder('LGO');
    for (const o of over) {
      const refunds = capped.get(o)!;
      expect(refunds.length, `${o}: ${JSON.stringify(refunds)}`).toBe(1);
      expect(refunds.reduce((s, r) => s + r.refund, 0)).toBeLessThanOrEqual(300);
    }
    // The second of each pair was stopped by the ledger before it was sent, not by WeChat Pay after.
    expect(refusedBy([ra, rb], 'LEDGER_REFUND_EXCEEDS_TOTAL')).toBe(20);
  }, 120_000);

  it("transfers: an out_bill_no in both operators' files is started by one of them only", async () => {
    const ledger = await ledgerDb();
    const bills = Array.from({ length: 20 }, (_, i) => `LGT${String(i).padStart(4, '0')}`);
    const csv = (name: string) => {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), `wxpay-ledger-${name}-`)), `${name}.csv`);
      const rows = bills.map((b, i) => `${b},oUser${i},${100 + i},1000,ledger test,`);
      writeFileSync(file, `out_bill_no,openid,amount,scene_id,remark,user_name\n${rows.join('\n')}\n`);
      const report = ['--scene-report', '活动名称=新会员有礼', '--scene-report', '奖励说明=注册抽奖'];
      return ['transfer', 'create', '--from', file, ...report, '--yes', '--json', '--rate', '1000'];
    };
    const [ra, rb] = await runBoth(csv('ta'), csv('tb'), ledger);
    expect(
      [ra.code, rb.code].every((c) => c === 0 || c === 5),
      `${ra.stderr}\n${rb.stderr}`,
    ).toBe(true);
    const made = [...env.sb.state.transfers.values()].filter((t) => t.outBillNo.startsWith('LGT'));
    expect(made.map((t) => t.outBillNo).sort()).toEqual(bills);
    // Each bill was sent by one operator; the other's row was refused before sending.
    expect(refusedBy([ra, rb], 'LEDGER_TRANSFER_STARTED')).toBe(20);
  }, 120_000);
});
