// Issue 12 "Safe file writes", through the real commands (in process): every file wxpay writes that holds payment
// data or keys is 0600, and none is written through a symlink. Regressions for: `certs download --output` wrote
// through a dangling symlink; result CSVs and batch journals were created 0644 (and the result CSV's temp name was
// predictable); certificates were saved 0644.
import {
  existsSync,
  lstatSync,
  readFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../src/protocol/china-time.js';
import { initSandbox } from '../../src/sandbox/keyset.js';
import { SandboxState } from '../../src/sandbox/state.js';
import { runInProcess } from '../helpers/batch-harness.js';
import { sandboxKeySet, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

let t: TestSandbox;
let work: string;
// Two days back: yesterday's bill is not served before 10:00 China time.
const date = chinaDate(Date.now() - 2 * 86_400_000);
const modeOf = (f: string) => (statSync(f).mode & 0o777).toString(8);
const run = (args: string[]) =>
  runInProcess([...args, '--config', t.init.rcPath], { cwd: work, env: { WXPAY_BASE_URL: t.sb.url } });

beforeAll(async () => {
  t = await startTestSandbox(await sandboxKeySet('cert'));
  work = mkdtempSync(path.join(os.tmpdir(), 'wxpay-file-writes-'));
  expect((await t.admin('POST', '/sandbox/bills/seed', { date, count: 20, refundEvery: 5 })).status).toBe(200);
});
afterAll(() => t?.sb.close());

describe('file modes are 0600', () => {
  it('sandbox init: keys, certificates, the APIv3 key, sandbox.json and the rc file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-modes-'));
    await initSandbox({ dir, mode: 'mixed' });
    const files = (d: string): string[] =>
      readdirSync(d).flatMap((n) =>
        statSync(path.join(d, n)).isDirectory() ? files(path.join(d, n)) : [path.join(d, n)],
      );
    const all = files(dir);
    expect(all.length).toBeGreaterThanOrEqual(9);
    expect(Object.fromEntries(all.map((f) => [path.relative(dir, f), modeOf(f)]))).toEqual(
      Object.fromEntries(all.map((f) => [path.relative(dir, f), '600'])),
    );
  }, 60_000);

  it('certs download --output saves certificates 0600', async () => {
    const out = path.join(work, 'certs-ok');
    const r = await run(['certs', 'download', '--output', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [name] = readdirSync(out);
    expect(modeOf(path.join(out, name!))).toBe('600');
  });

  it('batch: the result CSV and the journal are 0600 and no temp file is left', async () => {
    const dir = path.join(work, 'batch');
    mkdirSync(dir);
    const csv = path.join(dir, 'q.csv');
    writeFileSync(csv, 'out_trade_no\nNOSUCHORDER01\n');
    const r = await run(['close', '--from', csv, '--yes']);
    expect(r.code, r.stderr).toBe(5);
    expect(readdirSync(dir).sort()).toEqual(['q.csv', 'q.journal.ndjson', 'q.result.csv']);
    expect([modeOf(path.join(dir, 'q.result.csv')), modeOf(path.join(dir, 'q.journal.ndjson'))]).toEqual([
      '600',
      '600',
    ]);
  });

  it('bill --output is 0600', async () => {
    const file = path.join(work, 'bill.csv');
    const r = await run(['bill', 'trade', '--date', date, '--output', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(modeOf(file)).toBe('600');
  });

  it('config init writes the rc file 0600', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-init-rc-'));
    const r = await runInProcess(
      [
        'config',
        'init',
        '--json',
        '--mchid',
        t.init.mchid,
        '--private-key',
        t.init.privateKeyPath,
        '--cert',
        t.init.merchantCertPath,
        '--platform-cert-dir',
        path.join(t.init.dir, 'certs'),
        '--apiv3-key-file',
        t.init.apiV3KeyPath,
        '--output',
        path.join(dir, '.wxpayrc.json'),
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(modeOf(path.join(dir, '.wxpayrc.json'))).toBe('600');
  });

  it('sandbox --state: the state file is 0600', () => {
    const file = path.join(work, 'state.json');
    new SandboxState(file).save();
    expect(modeOf(file)).toBe('600');
  });
});

describe('symlinks are not followed', () => {
  it('certs download --output: a dangling symlink at the certificate name is refused, nothing is created at its target', async () => {
    const out = path.join(work, 'certs-link');
    mkdirSync(out);
    const serial = t.sb.context.keys.platform[0]!.serial;
    const target = path.join(work, 'planted-by-someone-else.pem');
    symlinkSync(target, path.join(out, `wechatpay_${serial}.pem`));
    const r = await run(['certs', 'download', '--output', out, '--json']);
    expect(r.code).toBe(2);
    expect(r.error).toMatchObject({ code: 'FILE_UNSAFE' });
    expect(r.stderr + JSON.stringify(r.error)).toContain(`wechatpay_${serial}.pem`);
    expect(existsSync(target)).toBe(false);
  });

  it('bill --output: a symlink is refused before anything is downloaded', async () => {
    const victim = path.join(work, 'victim.txt');
    writeFileSync(victim, 'keep');
    const link = path.join(work, 'bill-link.csv');
    symlinkSync(victim, link);
    const downloads = async () =>
      ((await t.admin('GET', '/sandbox/stats')).json.requests['GET /v3/bill/tradebill'] ?? 0) as number;
    const before = await downloads();
    const r = await run(['bill', 'trade', '--date', date, '--output', link]);
    expect(r.error).toMatchObject({ code: 'FILE_UNSAFE' });
    expect(await downloads()).toBe(before);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('sandbox --state: a symlink at the state file is refused', () => {
    const target = path.join(work, 'state-target.json');
    const link = path.join(work, 'state-link.json');
    symlinkSync(target, link);
    expect(() => new SandboxState(link).save()).toThrow(expect.objectContaining({ code: 'FILE_UNSAFE' }));
    expect(existsSync(target)).toBe(false);
  });
});
