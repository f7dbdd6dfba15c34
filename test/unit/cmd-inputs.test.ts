// Command-line inputs of the operator commands: integer fen and the explicit yuan parser, --expire, refund
// options and the TTY confirmation, and `api --query k=v`.
import { confirmBatch } from '../../src/command-kit/batch-report.js';
import type { BatchOptions } from '../../src/command-kit/batch-options.js';
import type { PlannedRow } from '../../src/batch/plan.js';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatYuan, parseFen, parseYuan } from '../../src/command-kit/amount.js';
import { parseQuery } from '../../src/commands/api.js';
import { parseExpire } from '../../src/commands/prepay.js';
import { orderRefFrom } from '../../src/commands/query.js';
import { confirmRefund, refundInputFrom } from '../../src/commands/refund-create.js';
import type { CommandContext, Runtime } from '../../src/runtime.js';

describe('amounts', () => {
  it('takes integer fen and refuses a decimal with a hint naming the fen value', () => {
    expect(parseFen('100', '--amount')).toBe(100);
    expect(() => parseFen('0.01', '--amount')).toThrow(
      expect.objectContaining({ code: 'USAGE', hint: expect.stringContaining('--amount 1?') }),
    );
    expect(() => parseFen('1.5', '--amount')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('--amount 150?') }),
    );
    for (const bad of ['0', '-1', '1e3', 'abc', ''])
      expect(() => parseFen(bad, '--amount')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('--yuan parses exactly, without floating point', () => {
    expect(parseFen('0.01', '--amount', true)).toBe(1);
    expect(parseYuan('12.3', '--amount')).toBe(1230);
    expect(parseYuan('0.29', '--amount')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(parseYuan('1', '--amount')).toBe(100);
    expect(() => parseYuan('1.001', '--amount')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(formatYuan(1230)).toBe('12.30');
    expect(formatYuan(5)).toBe('0.05');
  });
});

describe('options', () => {
  it('--expire: relative times become RFC 3339 in Beijing time; bad values are refused', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseExpire('+30m', now)).toBe('2026-01-01T08:30:00+08:00');
    expect(parseExpire('+1d', now)).toBe('2026-01-02T08:00:00+08:00');
    expect(parseExpire('2026-06-08T10:34:56+08:00', now)).toBe('2026-06-08T10:34:56+08:00');
    expect(() => parseExpire('tomorrow', now)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('query needs exactly one of out_trade_no and --transaction-id', () => {
    expect(orderRefFrom('T1', undefined)).toEqual({ outTradeNo: 'T1' });
    expect(orderRefFrom(undefined, '42')).toEqual({ transactionId: '42' });
    expect(() => orderRefFrom('T1', '42')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => orderRefFrom(undefined, undefined)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('refund options: one order reference, amount not above total', () => {
    expect(refundInputFrom({ outTradeNo: 'T1', outRefundNo: 'R1', amount: '50', total: '100' })).toEqual({
      outTradeNo: 'T1',
      outRefundNo: 'R1',
      refund: 50,
      total: 100,
    });
    expect(() =>
      refundInputFrom({ outTradeNo: 'T1', transactionId: '4', outRefundNo: 'R1', amount: '1', total: '1' }),
    ).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => refundInputFrom({ outTradeNo: 'T1', outRefundNo: 'R1', amount: '101', total: '100' })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });

  it('api --query k=v keeps order and "=" inside values', () => {
    expect(parseQuery(['a=1', 'b=x=y'])).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
    ]);
    expect(() => parseQuery(['novalue'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('refund confirmation', () => {
  const input = { outTradeNo: 'T1', outRefundNo: 'R1', refund: 50, total: 100 };
  function ctxWith(tty: boolean, answer: string | undefined, yes?: true) {
    const stdin = Object.assign(new PassThrough(), { isTTY: tty });
    let prompt = '';
    const stderr = new Writable({
      write(c, _e, cb) {
        prompt += (c as Buffer).toString();
        cb();
      },
    });
    const rt = {
      env: {},
      cwd: '/',
      stdin,
      stdout: new PassThrough(),
      stderr,
      now: () => 0,
      onSignal: () => () => {},
    } as unknown as Runtime;
    if (answer !== undefined) setImmediate(() => stdin.write(answer));
    return { ctx: { args: [], opts: { yes }, rt } as CommandContext<{ yes?: true }>, prompt: () => prompt };
  }

  it('asks on a TTY and proceeds on "y"', async () => {
    const c = ctxWith(true, 'y\n');
    await expect(confirmRefund(c.ctx, input)).resolves.toBe(true);
    expect(c.prompt()).toContain('Refund 50 fen (0.50 CNY) of 100 fen on order T1 as R1? [y/N]');
  });

  it('anything but yes cancels: not an error, "nothing was sent" on stderr (refund-decline)', async () => {
    const c = ctxWith(true, 'n\n');
    await expect(confirmRefund(c.ctx, input)).resolves.toBe(false);
    expect(c.prompt()).toMatch(/\[y\/N\] Refund not confirmed; nothing was sent\.\n$/);
  });

  it('without a TTY --yes is required; with --yes nothing is asked', async () => {
    await expect(confirmRefund(ctxWith(false, undefined).ctx, input)).rejects.toMatchObject({
      code: 'USAGE',
      hint: expect.stringContaining('--yes'),
    });
    const c = ctxWith(false, undefined, true);
    await expect(confirmRefund(c.ctx, input)).resolves.toBe(true);
    expect(c.prompt()).toBe('');
  });
});

describe('batch confirmation', () => {
  const plan = [
    { action: 'send', row: { line: 2, outTradeNo: 'T1', outRefundNo: 'R1', amount: 50, total: 100 } },
  ] as unknown as PlannedRow[];
  function ctxWith(answer: string) {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    let prompt = '';
    const stderr = new Writable({
      write(c, _e, cb) {
        prompt += (c as Buffer).toString();
        cb();
      },
    });
    const rt = {
      env: {},
      cwd: '/',
      stdin,
      stdout: new PassThrough(),
      stderr,
      now: () => 0,
      onSignal: () => () => {},
    } as unknown as Runtime;
    setImmediate(() => stdin.write(answer));
    return { ctx: { args: [], opts: {}, rt } as unknown as CommandContext<BatchOptions>, prompt: () => prompt };
  }

  it('declining is a decision, not a usage error: false and "nothing was sent", like refund create (batch-decline-usage-error)', async () => {
    const c = ctxWith('n\n');
    await expect(confirmBatch(c.ctx, 'refund', plan, 'http://127.0.0.1:1')).resolves.toBe(false);
    expect(c.prompt()).toMatch(/\[y\/N\] Batch not confirmed; nothing was sent\.\n$/);
  });

  it('the prompt shows a base URL from config with its control characters neutralised', async () => {
    const c = ctxWith('y\n');
    await expect(confirmBatch(c.ctx, 'refund', plan, 'http://x\x1b[2J/')).resolves.toBe(true);
    expect(c.prompt()).toContain('at http://x\\x1b[2J/?');
  });
});
