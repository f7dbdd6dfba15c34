// The bill command in process (no spawn): Ctrl-C mid-download leaves no file; --json without --output puts the
// bill itself on stdout as one JSON document; --summary with the bill on stdout sends the table to stderr.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBill, type BillOptions } from '../../src/command-kit/bill-run.js';
import type { CommandContext, Runtime } from '../../src/runtime.js';
import { chinaDate } from '../../src/protocol/china-time.js';
import { sandboxKeySet, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
// Two days back: yesterday's bill is not served before 10:00 China time.
const date = chinaDate(Date.now() - 2 * 86_400_000);

beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('pubkey'));
  expect((await t.admin('POST', '/sandbox/bills/seed', { date, count: 3000, refundEvery: 10 })).status).toBe(200);
});
afterAll(() => t?.sb.close());

function harness(
  opts: Partial<BillOptions> & { json?: boolean },
  onStderr?: (text: string, signal: () => void) => void,
) {
  let stdout = '';
  let stderr = '';
  let handler: ((s: string) => void) | undefined;
  const sink = (fn: (s: string) => void, tty: boolean) =>
    Object.assign(
      new Writable({
        write(c, _e, cb) {
          fn(c.toString());
          cb();
        },
      }),
      { isTTY: tty },
    );
  const rt: Runtime = {
    env: { WXPAY_BASE_URL: t.sb.url, NO_COLOR: '1' },
    cwd: t.init.dir,
    stdin: new PassThrough(),
    stdout: sink((s) => (stdout += s), false),
    stderr: sink((s) => {
      stderr += s;
      onStderr?.(s, () => handler?.('SIGINT'));
    }, Boolean(onStderr)),
    now: () => Date.now(),
    onSignal: (h) => {
      handler = h;
      return () => (handler = undefined);
    },
  };
  const ctx = { args: [], opts: { date, ...opts }, rt } as unknown as CommandContext<BillOptions>;
  return { ctx, out: () => stdout, err: () => stderr };
}

describe('wxpay bill (in process)', () => {
  it('SIGINT during the download: NETWORK error, nothing written, no temp file', async () => {
    const dir = path.join(t.init.dir, 'interrupted');
    mkdirSync(dir);
    const h = harness({ gzip: true, format: 'ndjson', output: 'interrupted/b.ndjson' }, (text, signal) => {
      if (text.includes('downloading:')) signal();
    });
    await expect(runBill(h.ctx, 'trade')).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringMatching(/^Interrupted/),
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--json without --output: stdout is the bill as one JSON document', async () => {
    const h = harness({ json: true });
    await runBill(h.ctx, 'trade');
    const doc = JSON.parse(h.out());
    expect(doc).toMatchObject({ kind: 'trade', bill_type: 'ALL', summary: { total_count: 3300 } });
    expect(doc.rows).toHaveLength(3300);
  });

  it('--summary with the bill on stdout prints the totals to stderr', async () => {
    const h = harness({ type: 'REFUND', format: 'csv', summary: true });
    await runBill(h.ctx, 'trade');
    expect(h.out().split('\r\n')[0]).toMatch(/^交易时间,.*退款申请时间,退款成功时间,/);
    expect(h.err()).toMatch(/total_count\s+300\n/);
    expect(h.err()).toMatch(/refund_total\s+\d+\.\d{2}\n/);
  });
});
