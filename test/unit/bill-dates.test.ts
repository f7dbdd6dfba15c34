// Bill timing rules (docs/protocol.md §5): D's bill is ready after 10:00 China time on D+1, kept 3 months;
// STATEMENT_CREATING means retry in 30 minutes. Usage errors for malformed or future dates.
import { describe, expect, it } from 'vitest';
import { billReadyAt, checkBillDate, explainBillError, oldestKeptDay } from '../../src/bills/dates.js';
import { WxpayError } from '../../src/protocol/errors.js';

// 2026-03-10 09:30 in China = 01:30 UTC.
const NOW = Date.parse('2026-03-10T01:30:00Z');
const rejected = (code: string, message = 'x') =>
  new WxpayError('WECHATPAY_ERROR', 'rejected', {
    hint: 'h',
    requestId: 'RID-1',
    wechatpay: { status: 400, code, message },
  });

describe('bill dates', () => {
  it('accepts past days and today (China time); refuses malformed and future dates as USAGE', () => {
    expect(checkBillDate('2026-03-09', NOW)).toBe('2026-03-09');
    expect(checkBillDate('2026-03-10', NOW)).toBe('2026-03-10');
    // 17:00 UTC on the 10th is already the 11th in China.
    expect(checkBillDate('2026-03-11', Date.parse('2026-03-10T17:00:00Z'))).toBe('2026-03-11');
    for (const bad of ['2026-3-9', '20260309', '2026-02-30', 'Yesterday', 'tomorrow', '']) {
      expect(() => checkBillDate(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'USAGE', exitCode: 2 }));
    }
    expect(() => checkBillDate('2026-03-11', NOW)).toThrow(
      expect.objectContaining({ code: 'USAGE', hint: expect.stringContaining('2026-03-12 10:00 (China time)') }),
    );
  });

  it('yesterday and today are China-time days, so a README line or a cron job never goes stale', () => {
    expect(checkBillDate('yesterday', NOW)).toBe('2026-03-09');
    expect(checkBillDate('today', NOW)).toBe('2026-03-10');
    // 23:30 UTC on the 10th is 07:30 on the 11th in China.
    expect(checkBillDate('yesterday', Date.parse('2026-03-10T23:30:00Z'))).toBe('2026-03-10');
  });

  it('ready at 10:00 China time the next day; 3 calendar months kept', () => {
    expect(new Date(billReadyAt('2026-03-09')).toISOString()).toBe('2026-03-10T02:00:00.000Z');
    expect(oldestKeptDay(NOW)).toBe('2025-12-10');
  });

  it('explains NO_STATEMENT_EXIST: not ready yet, too old, or no transactions', () => {
    const notReady = explainBillError(rejected('NO_STATEMENT_EXIST'), '2026-03-09', NOW) as WxpayError;
    expect(notReady).toMatchObject({
      code: 'WECHATPAY_ERROR',
      exitCode: 5,
      requestId: 'RID-1',
      wechatpay: { code: 'NO_STATEMENT_EXIST' },
    });
    expect(notReady.hint).toMatch(
      /after 10:00 \(China time\) on D\+1 and is kept for 3 months\. It is not ready yet: try again after 2026-03-10 10:00/,
    );
    expect((explainBillError(rejected('NO_STATEMENT_EXIST'), '2025-11-01', NOW) as WxpayError).hint).toMatch(
      /older than 3 months \(the oldest day kept is 2025-12-10\)/,
    );
    expect((explainBillError(rejected('NO_STATEMENT_EXIST'), '2026-03-01', NOW) as WxpayError).hint).toMatch(
      /probably had no transactions/,
    );
  });

  it('STATEMENT_CREATING says when to retry; other errors pass through untouched', () => {
    const e = explainBillError(rejected('STATEMENT_CREATING'), '2026-03-09', NOW) as WxpayError;
    expect(e.hint).toMatch(/^Try again in 30 minutes, after 2026-03-10 10:00 \(China time\)/);
    expect(e.details).toEqual({ billDate: '2026-03-09', retryAfter: '2026-03-10T02:00:00.000Z' });
    // Issue 22 row 5: today's bill is STATEMENT_CREATING too (the bill FAQ); retry at 10:00 the next day.
    const today = explainBillError(rejected('STATEMENT_CREATING'), '2026-03-10', NOW) as WxpayError;
    expect(today.hint).toMatch(/^Try again after 10:00 the next day, after 2026-03-11 10:00 \(China time\)/);
    expect(today.details).toEqual({ billDate: '2026-03-10', retryAfter: '2026-03-11T02:00:00.000Z' });
    const other = rejected('SIGN_ERROR');
    expect(explainBillError(other, '2026-03-09', NOW)).toBe(other);
    const plain = new Error('boom');
    expect(explainBillError(plain, '2026-03-09', NOW)).toBe(plain);
  });
});
