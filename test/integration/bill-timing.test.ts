// Regression (sandbox-bill-today): the sandbox served today's bill at once, which contradicted its own hint
// (and WeChat Pay): day D's bill is served from 10:00 on D+1 (China time) and kept for 3 months; until then (today
// included) the apply answers 400 STATEMENT_CREATING, as the bill FAQ describes (issue 22 row 5;
// docs/protocol.md §11). `sandbox serve --clock` moves the bill calendar; here the test moves it directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billReadyAt } from '../../src/bills/dates.js';
import { parseClockOffset } from '../../src/sandbox/bill-source.js';
import { chinaDate } from '../../src/protocol/china-time.js';
import { runCli } from '../helpers/cli.js';
import { jsapiBody, sandboxKeySet, startTestSandbox, uniqueNo, type TestSandbox } from '../helpers/sandbox.js';

const HOUR = 3600_000;
let t: TestSandbox;
let day: string;
let no: string;

/** Moves the sandbox's bill calendar to `at` (ms), as `--clock <ISO time>` would at start. */
const billClockAt = (at: number) => void (t.sb.context.billClockOffsetMs = at - t.sb.context.now());
const apply = async (date: string) => t.call('GET', `/v3/bill/tradebill?bill_date=${date}`);

beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('pubkey'));
  no = uniqueNo('BT');
  expect((await t.call('POST', '/v3/pay/transactions/jsapi', jsapiBody(t.init, no))).status).toBe(200);
  expect((await t.admin('POST', `/sandbox/orders/${no}/pay`)).status).toBe(200);
  day = chinaDate(t.sb.context.now());
});
afterAll(() => t?.sb.close());

describe("sandbox bills follow WeChat Pay's timetable", () => {
  it("today's bill is not ready yet: STATEMENT_CREATING", async () => {
    t.sb.context.billClockOffsetMs = 0;
    const r = await apply(day);
    expect({ status: r.status, code: r.json.code }).toEqual({ status: 400, code: 'STATEMENT_CREATING' });
  });

  it("STATEMENT_CREATING until 10:00 on D+1, then the file, with that day's order", async () => {
    const ready = billReadyAt(day);
    billClockAt(ready - 2 * HOUR);
    const creating = await apply(day);
    expect({ status: creating.status, code: creating.json.code }).toEqual({ status: 400, code: 'STATEMENT_CREATING' });
    billClockAt(ready - 1000);
    expect((await apply(day)).json.code).toBe('STATEMENT_CREATING');
    billClockAt(ready);
    const ok = await apply(day);
    expect(ok.status).toBe(200);
    const file = await t.call(
      'GET',
      new URL(ok.json.download_url as string).pathname + new URL(ok.json.download_url as string).search,
    );
    expect(file.status).toBe(200);
    expect(file.text).toContain(`\`${no}`);
  });

  it("a past day is built from that day's orders only (another day has none: NO_STATEMENT_EXIST)", async () => {
    billClockAt(billReadyAt(day) + 2 * 24 * HOUR);
    const before = chinaDate(Date.parse(`${day}T12:00:00+08:00`) - 24 * HOUR);
    expect((await apply(before)).json.code).toBe('NO_STATEMENT_EXIST');
    expect((await apply(day)).status).toBe(200);
  });

  it('kept for 3 months: the last day it is kept, then NO_STATEMENT_EXIST', async () => {
    const threeMonths = new Date(`${day}T12:00:00+08:00`);
    threeMonths.setUTCMonth(threeMonths.getUTCMonth() + 3);
    billClockAt(threeMonths.getTime());
    expect((await apply(day)).status).toBe(200);
    billClockAt(threeMonths.getTime() + 24 * HOUR);
    expect((await apply(day)).json.code).toBe('NO_STATEMENT_EXIST');
  });

  it("a day after the bill calendar's today is a PARAM_ERROR, as before", async () => {
    t.sb.context.billClockOffsetMs = 0;
    const tomorrow = chinaDate(t.sb.context.now() + 24 * HOUR);
    expect((await apply(tomorrow)).json.code).toBe('PARAM_ERROR');
  });
});

describe('sandbox serve --clock values', () => {
  it('reads +Nd/-Nh/+Nm/+Ns and an ISO time with a zone; refuses anything else', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(parseClockOffset('+2d', now)).toBe(2 * 24 * HOUR);
    expect(parseClockOffset('-36h', now)).toBe(-36 * HOUR);
    expect(parseClockOffset('+90m', now)).toBe(90 * 60_000);
    expect(parseClockOffset('+5s', now)).toBe(5000);
    expect(parseClockOffset('2026-01-03T10:30:00+08:00', now)).toBe(Date.parse('2026-01-03T02:30:00Z') - now);
    for (const bad of ['2d', '+2w', 'tomorrow', '2026-01-03', '2026-01-03T10:30:00', ''])
      expect(parseClockOffset(bad, now), bad).toBeUndefined();
  });

  it('an unreadable --clock is a usage error before anything listens', async () => {
    const r = await runCli(['sandbox', 'serve', '--dir', t.init.dir, '--port', '0', '--clock', 'tomorrow', '--json']);
    expect(r.code).toBe(2);
    expect(r.error()).toMatchObject({
      code: 'USAGE',
      message: '--clock "tomorrow" is not a time',
      hint: expect.stringContaining('+2d'),
    });
  });
});
