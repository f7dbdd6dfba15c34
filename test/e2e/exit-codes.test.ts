// The README's exit-code table is what the CLI does: `wxpay help exit-codes` prints the same table (one source in
// code, src/protocol/errors.ts), and for every row a real command ends with that code. Regressions from issue 14:
// certs-download-public-key-exit (a public-key profile got exit 5, the README says 3) and refund-decline (saying
// "n" at the refund prompt printed a USAGE error; it now exits 0 with "nothing was sent").
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanEnv, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { binPath, repoRoot } from '../helpers/paths.js';
import { recordOutput } from '../helpers/secrets-scan.js';
import { prepayArgs, sandboxEnv, type Env } from './cmd-sandbox-helpers.js';
import { tableUnder } from './readme-parse.js';
import { TRADE_COLUMNS, TRADE_SUMMARY_COLUMNS } from '../../src/bills/layout.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const table = tableUnder(readme, 'Exit codes').map(([code, meaning]) => ({
  code: Number(code),
  meaning: meaning!.replace(/`/g, ''),
}));

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('wxpay help exit-codes', () => {
  it('prints the README table, row for row (--json and text)', async () => {
    expect(table.map((r) => r.code)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const j = await runCli(['help', 'exit-codes', '--json']);
    expect(j.code).toBe(0);
    expect(j.json()).toEqual({ exitCodes: table });
    const t = await runCli(['help', 'exit-codes']);
    expect(t.code).toBe(0);
    expect(
      t.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s{2,}/)),
    ).toEqual(table.map((r) => [String(r.code), r.meaning]));
  });

  it("`wxpay help <command>` still shows that command's help; an unknown topic is a usage error", async () => {
    const h = await runCli(['help', 'refund', 'create']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: wxpay refund create');
    expect((await runCli(['help'])).stdout).toContain('Usage: wxpay');
    const bad = await runCli(['help', 'nope', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.error()).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('exit-codes') });
  });
});

describe('every row of the README exit-code table', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('pubkey');
  });
  afterAll(async () => env?.close());

  // One command per documented code, run for real against the sandbox.
  const cases: Record<number, { what: string; run: () => Promise<CliResult>; error?: string }> = {
    0: { what: 'a healthy config check', run: () => env.cli(['config', 'check']) },
    1: {
      what: 'an unexpected exception (a bug) is reported as INTERNAL',
      error: 'INTERNAL',
      run: () => {
        const crash = path.join(env.dir, 'crash.cjs');
        // Makes RSA signing throw a plain TypeError, as a bug in wxpay's own code would.
        writeFileSync(
          crash,
          "require('node:crypto').sign = () => { throw new TypeError('simulated bug'); };\nrequire('node:module').syncBuiltinESMExports();\n",
        );
        // Spawned: the fault is injected into a fresh process through NODE_OPTIONS.
        return spawnCli(['sign', 'GET', '/v3/x', '--json'], {
          cwd: env.dir,
          env: { NODE_OPTIONS: `--require ${crash}` },
        });
      },
    },
    2: { what: 'a missing argument', error: 'USAGE', run: () => env.cli(['sign', 'GET', '--json']) },
    3: {
      what: 'certs download on a public-key profile (certs-download-public-key-exit)',
      error: 'CONFIG_INVALID',
      run: () => env.cli(['certs', 'download', '--output', 'certs', '--json']),
    },
    4: {
      what: 'nothing listening at the base URL',
      error: 'NETWORK',
      run: async () => env.cli(['query', 'ORDER4', '--base-url', `http://127.0.0.1:${await closedPort()}`, '--json']),
    },
    5: {
      what: 'ORDER_NOT_EXIST from WeChat Pay',
      error: 'WECHATPAY_ERROR',
      run: () => env.cli(['query', 'NOPE20260101', '--json']),
    },
    6: {
      what: 'an answer signed with the wrong key',
      error: 'VERIFY_BAD_SIGNATURE',
      run: async () => {
        await env.admin('POST', '/sandbox/faults', {
          faults: [{ kind: 'bad-signature', rate: 1, count: 1, path: '/v3/pay/transactions/native' }],
        });
        return env.cli([...prepayArgs('native', 'EXIT6ORDER01'), '--json']);
      },
    },
    7: {
      what: 'a resource the APIv3 key cannot open',
      error: 'DECRYPT_FAILED',
      run: () =>
        env.cli([
          'notify',
          'decrypt',
          '--resource',
          '{"algorithm":"AEAD_AES_256_GCM","ciphertext":"ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=","nonce":"uluk4a9R25RW","associated_data":"associatedData"}',
          '--json',
        ]),
    },
    8: {
      what: 'bill reconcile: an order paid in the bill is missing from the merchant file',
      error: 'RECONCILE_MISMATCH',
      run: () => {
        const cols = TRADE_COLUMNS.SUCCESS;
        const row = cols.map((c) =>
          c === '商户订单号' ? 'EXIT8ORDER' : c === '交易状态' ? 'SUCCESS' : /金额|费/.test(c) ? '1.00' : 'x',
        );
        const summary = TRADE_SUMMARY_COLUMNS.SUCCESS;
        writeFileSync(
          path.join(env.dir, 'bill8.csv'),
          `${cols.join(',')}\n${row.map((v) => `\`${v}`).join(',')}\n${summary.join(',')}\n${summary.map((c) => (c === '总交易单数' ? '`1' : '`1.00')).join(',')}\n`,
        );
        writeFileSync(path.join(env.dir, 'mine8.csv'), 'out_trade_no,amount\n');
        return env.cli([
          'bill',
          'reconcile',
          '--date',
          '2026-01-01',
          '--bill',
          'bill8.csv',
          '--orders',
          'mine8.csv',
          '--json',
        ]);
      },
    },
  };

  it('has a case for exactly the documented codes', () => {
    expect(Object.keys(cases).map(Number)).toEqual(table.map((r) => r.code));
  });

  it.each(table)('exit $code: $meaning', async ({ code }) => {
    const c = cases[code]!;
    const r = await c.run();
    expect(r.code, `${c.what}\n${r.stdout}\n${r.stderr}`).toBe(code);
    if (c.error) expect(r.error()).toMatchObject({ code: c.error, exitCode: code });
  });
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('declining the refund prompt (refund-decline)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxEnv('pubkey');
  });
  afterAll(async () => env?.close());

  it.skipIf(!hasScript)('answering "n" on a terminal exits 0, says nothing was sent, and sends nothing', async () => {
    const args = [
      'refund',
      'create',
      '--out-trade-no',
      'DECLINE0001',
      '--out-refund-no',
      'RDECLINE0001',
      '--amount',
      '1',
      '--total',
      '100',
    ];
    const child = spawn('script', ['-qec', `"${process.execPath}" "${binPath}" ${args.join(' ')}`, '/dev/null'], {
      cwd: env.dir,
      env: cleanEnv({ WXPAY_BASE_URL: env.sb.url }),
    });
    let screen = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      screen += d.toString();
      if (!answered && /\[y\/N\] $/.test(screen)) {
        answered = true;
        child.stdin.write('n\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    recordOutput(inject('artifactsDir'), 'wxpay refund create (pseudo-TTY, declined)', screen);
    expect(answered, screen).toBe(true);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/nothing was sent/);
    expect(screen).not.toMatch(/USAGE|✖/);
    expect(await env.count('POST /v3/refund/domestic/refunds')).toBe(0);
  });
});
