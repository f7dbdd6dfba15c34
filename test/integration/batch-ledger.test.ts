// Acceptance (issue 13) against the sandbox, with the CLI run in-process: the refund ledger per order (a renamed
// out_refund_no is refused after a finished row and after a row killed mid-request; sums are checked across
// runs; a new journal for orders another journal has seen needs --yes), read-only batches that are always
// fresh, and the exit-code rule of a stopped batch (issue 14).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefund } from '../../src/api/refunds.js';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

let env: BatchEnv;
beforeAll(async () => {
  env = await batchEnv();
});
afterAll(() => env.close());

function csv(name: string, lines: string[]): string {
  const file = path.join(env.dir, `${name}.csv`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
const run = (args: string[], o: Partial<Parameters<typeof runInProcess>[1]> = {}) => runInProcess(args, { cwd: env.init.dir, env: env.env, ...o });

describe('a stopped batch (issue 14)', () => {
  it('Ctrl-C with a rejected row exits 4 (unfinished wins: rerun first), and the resume hint keeps --yes', async () => {
    const nos = Array.from({ length: 60 }, (_, i) => `STOPREJ${String(i).padStart(4, '0')}`);
    env.seed(nos, 100);
    await createRefund(env.client, { outTradeNo: nos[0]!, outRefundNo: 'PRE-STOPREJ', refund: 60, total: 100 });
    const file = csv('stoprej', ['out_trade_no,out_refund_no,amount,total', ...nos.map((no) => `${no},R${no},50,100`)]);
    let rows = 0;
    const r = await run(['refund', 'create', '--from', file, '--json', '--yes', '--concurrency', '1', '--rate', '2000'], {
      onStdoutLine: (line, sigint) => void (JSON.parse(line).type === 'row' && ++rows === 5 && sigint()),
    });
    expect(r.code, r.stderr).toBe(4);
    expect(r.error).toMatchObject({
      code: 'BATCH_INTERRUPTED',
      message: expect.stringMatching(/^Interrupted: \d+ of 60 rows finished \(1 rejected by WeChat Pay; see /),
      hint: `To resume, run: wxpay refund create --from ${file} --yes --concurrency 1 --rate 2000`,
    });
    const again = await run(['refund', 'create', '--from', file, '--yes']);
    expect(again.code).toBe(5);
    expect(again.error).toMatchObject({ code: 'BATCH_REJECTED' });
  });
});
