// Issue 20 (payment code), end to end against the sandbox in both key modes: paid at once (MICROPAY, no
// notification), through USERPAYING to SUCCESS, reversed after a timeout (exit 4, CODEPAY_REVERSED), a resend with
// the same out_trade_no never charging twice, reverse of a paid order refunding it, the bills listing both; and a
// cashier's Ctrl-C reversing a real bin/wxpay process (pubkey mode). In-process runs wait on fake time
// (test/helpers/cli.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/protocol/china-time.js';
import { spawnCli } from '../helpers/cli.js';
import { sandboxEnv, type Env } from './cmd-sandbox-helpers.js';

const PAYS = '130000000000000001';
const PASSWORD_THEN_PAYS = '131100000000000001';
const NEVER_CONFIRMS = '131200000000000001';

describe.each(['cert', 'pubkey'] as const)('payment code in %s mode', (mode) => {
  let env: Env;
  const stamp = `${Date.now()}`.slice(-9);
  beforeAll(async () => {
    // The trade bill for today is served from 10:00 tomorrow: run the bill calendar 2 days ahead.
    env = await sandboxEnv(mode, { billClockOffsetMs: 2 * 86_400_000 });
  });
  afterAll(async () => {
    await env.close();
  });

  const pay = (no: string, code: string, ...more: string[]) =>
    env.cli(['pay', 'code', '--auth-code', code, '--amount', '100', '--out-trade-no', no, '--json', ...more]);

  it('--auth-code - reads the code from stdin (a scanner), so it is never in argv', async () => {
    const no = `PS${stamp}`;
    const r = await env.cli(
      ['pay', 'code', '--auth-code', '-', '--amount', '100', '--out-trade-no', no, '--json'],
      `${PAYS}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ outcome: 'paid', out_trade_no: no, trade_state: 'SUCCESS' });
    const empty = await env.cli(['pay', 'code', '--auth-code', '-', '--amount', '100'], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('The payment code must be 18');
  });

  it('paid at once: SUCCESS, trade_type MICROPAY, no notification; a resend is the same sale', async () => {
    const no = `PA${stamp}`;
    const r = await pay(no, PAYS, '--store-id', 'SH-012');
    expect(r.code, r.stderr).toBe(0);
    const paid = r.json<Record<string, unknown>>();
    expect(paid).toMatchObject({ outcome: 'paid', out_trade_no: no, trade_state: 'SUCCESS', trade_type: 'MICROPAY' });
    expect(r.stderr).toContain(`out_trade_no ${no}`);

    const again = await pay(no, PAYS, '--store-id', 'SH-012');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ transaction_id: paid.transaction_id });
    const other = await env.cli(['pay', 'code', '--auth-code', PAYS, '--amount', '200', '--out-trade-no', no]);
    expect([other.code, other.stderr]).toEqual([5, expect.stringContaining('OUT_TRADE_NO_USED')]);

    const deliveries = (await env.admin('GET', '/sandbox/notifications')) as { data: unknown[] };
    expect(JSON.stringify(deliveries.data)).not.toContain(no);
  });

  it('a bad code, amount, device_ip or timeout exits 2 before anything is sent', async () => {
    const before = await env.count('POST /v3/pay/transactions/codepay');
    for (const bad of [
      ['--auth-code', '164567890123456789', '--amount', '100'],
      ['--auth-code', PAYS, '--amount', '0.5'],
      ['--auth-code', PAYS, '--amount', '100', '--device-ip', 'till-3'],
      ['--auth-code', PAYS, '--amount', '100', '--timeout', '0'],
    ]) {
      const r = await env.cli(['pay', 'code', ...bad, '--json']);
      expect([r.code, r.error().code], bad.join(' ')).toEqual([2, 'USAGE']);
    }
    expect(await env.count('POST /v3/pay/transactions/codepay')).toBe(before);
  });

  it('USERPAYING, then the payer enters the password: polled to SUCCESS', async () => {
    const no = `PB${stamp}`;
    const r = await pay(no, PASSWORD_THEN_PAYS);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/USERPAYING: waiting for the payer \(0 s of 30 s\)/);
    expect(r.json()).toMatchObject({ outcome: 'paid', trade_state: 'SUCCESS', trade_type: 'MICROPAY' });
  });

  it('the payer never confirms: reversed after the timeout, exit 4 CODEPAY_REVERSED, order REVOKED', async () => {
    const no = `PC${stamp}`;
    const r = await pay(no, NEVER_CONFIRMS, '--timeout', '12');
    expect([r.code, r.error().code], r.stderr).toEqual([4, 'CODEPAY_REVERSED']);
    expect(r.json()).toEqual({
      outcome: 'reversed',
      reason: 'timeout',
      out_trade_no: no,
      trade_state: 'REVOKED',
      refunded: false,
    });
    expect(r.stderr.match(/USERPAYING: waiting/g)).toHaveLength(4); // after the submit, and 3 queries: 0, 5, 10, 12 s
    const q = await env.cli(['query', no, '--json']);
    expect(q.json()).toMatchObject({ trade_state: 'REVOKED', trade_state_desc: '已撤销（付款码支付）' });
    const human = await env.cli(['pay', 'code', '--auth-code', NEVER_CONFIRMS, '--amount', '100', '--timeout', '5']);
    expect(human.code).toBe(4);
    expect(human.stdout).toMatch(/^POS\d{18}: reversed: nothing was taken; trade_state REVOKED$/m);
  });

  it('reverse of a paid order refunds it whole; the trade bill lists the sale and the refund', async () => {
    const no = `PD${stamp}`;
    expect((await pay(no, PAYS)).code).toBe(0);
    const r = await env.cli(['pay', 'reverse', '--out-trade-no', no, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toEqual({
      outcome: 'reversed',
      reason: 'requested',
      out_trade_no: no,
      trade_state: 'REVOKED',
      refunded: true,
    });
    const refund = await env.cli(['refund', 'query', `REVERSE-${no}`, '--json']);
    expect(refund.json()).toMatchObject({ status: 'SUCCESS', amount: { refund: 100, total: 100 } });
    const bill = await env.cli(['bill', 'trade', '--date', chinaDate(Date.now()), '--format', 'ndjson']);
    expect(bill.code, bill.stderr).toBe(0);
    const rows = bill.stdout.split('\n').filter((l) => l.includes(no));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.join('\n')).toContain('MICROPAY');
    expect(rows.join('\n')).toContain(`REVERSE-${no}`);
  });

  // One real process is enough: the signal, the cancelled wait and the reverse are the same code in both key modes,
  // and the in-process cases above verify each mode's signed answers (the cert-mode run was ~0.45 CPU-s).
  if (mode !== 'pubkey') return;
  it('Ctrl-C while the payer is deciding: the real process reverses, exit 4', async () => {
    const no = `PE${stamp}`;
    const run = spawnCli(
      ['pay', 'code', '--auth-code', NEVER_CONFIRMS, '--amount', '100', '--out-trade-no', no, '--json'],
      {
        cwd: env.dir,
        env: { WXPAY_BASE_URL: env.sb.url },
        // SIGINT once the child has printed its USERPAYING progress line: it prints that line just before it starts
        // waiting, so the signal lands in the wait and takes the wait-and-cancel path. Signalling on the sandbox's
        // change feed fired while the sandbox was still answering the first POST, before the child saw USERPAYING.
        onStart: (child) => {
          let seen = '';
          const onErr = (d: Buffer) => {
            seen += d.toString();
            if (!seen.includes('USERPAYING: waiting for the payer')) return;
            child.stderr?.off('data', onErr);
            child.kill('SIGINT');
          };
          child.stderr?.on('data', onErr);
        },
      },
    );
    const r = await run;
    expect([r.code, r.error().code], r.stderr).toEqual([4, 'CODEPAY_REVERSED']);
    expect(r.json()).toMatchObject({ reason: 'cancelled', trade_state: 'REVOKED' });
  }, 30_000);
});
