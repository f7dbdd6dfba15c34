// Issue 17 build 4 end to end: `sandbox init --merchants 2`, `sandbox serve`, one `webhook serve --profiles
// sandbox,sandbox-2`, an order prepaid and paid as each merchant: both callbacks are accepted and journalled with
// their profile and mchid, and `webhook tail` shows the profile column. The two servers are the real binary, each
// its own process as a deployment runs them; the one-shot commands run in-process through the CLI's entry (runCli:
// same output and exit code, without a Node start each) and `sandbox init` takes the committed test keys.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { binPath } from '../helpers/paths.js';
import { trackSecretFile } from '../helpers/secrets.js';

const dir = tempDir('wxpay-merchants-e2e-');
const sbDir = path.join(dir, 'sb');
const rc = path.join(sbDir, '.wxpayrc.json');
const journal = path.join(dir, 'journal.ndjson');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

/** Starts a long-running wxpay command with --json and resolves with its `listening` event's url. */
function serve(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [binPath, ...args, '--json'], { cwd: dir, env: cleanEnv() });
  children.push(child);
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const e = JSON.parse(l) as { type: string; url?: string };
      if (e.type === 'listening') resolve(e.url!);
    });
    child.once('exit', (code) => reject(new Error(`wxpay ${args[0]} exited ${code}: ${err}`)));
  });
}

const accepted = () =>
  existsSync(journal)
    ? readFileSync(journal, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, any>)
        .filter((l) => l.outcome === 'accepted')
    : [];

describe('one listener, two sandbox merchants, real servers', () => {
  it('pays an order as each merchant; both callbacks are journalled with their profile', async () => {
    const init = await runCli(['sandbox', 'init', '--dir', sbDir, '--merchants', '2', '--json'], {
      cwd: dir,
      fixtureKeys: true,
    });
    expect(init.code).toBe(0);
    const merchants = init.json<{ merchants: Array<{ profile: string; mchid: string }> }>().merchants;
    expect(merchants.map((m) => [m.profile, m.mchid])).toEqual([
      ['sandbox', '1900000001'],
      ['sandbox-2', '1900000002'],
    ]);
    for (const f of ['merchant/apiclient_key.pem', 'merchant-2/merchant/apiclient_key.pem', 'merchant-2/apiv3.key'])
      trackSecretFile(`e2e sandbox ${f}`, path.join(sbDir, f));
    const sandboxUrl = await serve(['sandbox', 'serve', '--dir', sbDir, '--port', '0', '--quiet']);
    const hookUrl = await serve([
      'webhook',
      'serve',
      '--config',
      rc,
      '--profiles',
      'sandbox,sandbox-2',
      '--port',
      '0',
      '--journal',
      journal,
    ]);
    const as = (profile: string, args: string[]) =>
      runCli(['--config', rc, '--profile', profile, '--base-url', sandboxUrl, ...args], { cwd: dir });
    for (const [profile, no] of [
      ['sandbox', 'E2E-A-1'],
      ['sandbox-2', 'E2E-B-1'],
    ] as const) {
      const prepay = await as(profile, [
        'prepay',
        'jsapi',
        '--out-trade-no',
        no,
        '--amount',
        '100',
        '--description',
        'Tea',
        '--openid',
        'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        '--notify-url',
        hookUrl,
      ]);
      expect([prepay.code, prepay.stderr]).toEqual([0, '']);
      const pay = await as(profile, ['sandbox', 'pay', no]);
      expect([pay.code, pay.stdout]).toEqual([0, expect.stringMatching(/trade_state\s+SUCCESS/)]);
    }
    for (let i = 0; i < 500 && accepted().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(
      accepted()
        .map((l) => [l.profile, l.mchid, l.resource.out_trade_no])
        .sort(),
    ).toEqual([
      ['sandbox', '1900000001', 'E2E-A-1'],
      ['sandbox-2', '1900000002', 'E2E-B-1'],
    ]);
    const tail = await runCli(['webhook', 'tail', '--journal', journal, '--filter', 'profile=sandbox-2'], {
      cwd: dir,
    });
    expect(tail.code).toBe(0);
    expect(tail.stdout).toMatch(
      / {2}204 {2}accepted {2}sandbox-2 {2}TRANSACTION\.SUCCESS {2}E2E-B-1 {2}100 fen {2}SUCCESS/,
    );
    expect(tail.stdout).not.toContain('E2E-A-1');
  });
});
