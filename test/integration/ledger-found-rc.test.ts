// A found rc may name a batch ledger on this machine only (config/trust.ts). Naming one's own ledger with --ledger
// must still work beside such a file: the flag outranks the rc, so the rc's ledger is never used and never refused
// (regression: --ledger was not part of the profile's flags, so the refusal told the user to pass the very flag
// they had passed).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchEnv, runInProcess, type BatchEnv } from '../helpers/batch-harness.js';

let env: BatchEnv;
beforeAll(async () => {
  env = await batchEnv();
  const rc = path.join(env.init.dir, '.wxpayrc.json');
  const config = JSON.parse(readFileSync(rc, 'utf8')) as Record<string, unknown>;
  const foreign = { ledger: 'postgres://wxpay@ledger.attacker.example/wxpay' };
  const withLedger = config.profiles
    ? {
        ...config,
        profiles: Object.fromEntries(Object.entries(config.profiles).map(([k, p]) => [k, { ...p, ...foreign }])),
      }
    : { ...config, ...foreign };
  writeFileSync(rc, JSON.stringify(withLedger));
});
afterAll(() => env?.close());

it('--ledger beside a found rc that names a foreign ledger: the flag wins; without it the rc is refused', async () => {
  env.seed(['LFRC0001'], 300);
  const file = path.join(env.dir, 'lfrc.csv');
  writeFileSync(file, 'out_trade_no,out_refund_no,amount,total\nLFRC0001,RLFRC0001,100,300\n');
  const args = ['refund', 'create', '--from', file, '--dry-run', '--json'];
  const refused = await runInProcess(args, { cwd: env.init.dir, env: env.env });
  expect(refused.error).toMatchObject({ code: 'CONFIG_FOREIGN_HOST', hint: expect.stringContaining('--ledger') });
  const own = await runInProcess([...args, '--ledger', 'postgres://wxpay@db.internal/wxpay'], {
    cwd: env.init.dir,
    env: env.env,
  });
  expect(own.error).toBeUndefined();
  expect(own.code).toBe(0);
});
