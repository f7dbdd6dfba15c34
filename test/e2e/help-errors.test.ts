// Regression (help-and-errors, issue 14): subcommand --help hid the global flags; `query --help` offered --yes;
// required options were not marked; commander's errors printed "error: …", "(run with --help for usage)" and then
// our hint, in another format than `✖ CODE:`; a missing --out-trade-no said "must be 6-32 characters";
// FORCE_COLOR was ignored; the listener's DECRYPT_FAILED line said nothing of the usual cause.
import { describe, expect, it } from 'vitest';
import { formatLive } from '../../src/webhook/live-line.js';
import { runCli, spawnCli } from '../helpers/cli.js';

const ESC = '\u001b[';

describe('help', () => {
  it("every subcommand's help shows the global options", async () => {
    for (const cmd of [['query'], ['refund', 'create'], ['sandbox', 'serve']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Global Options:');
      expect(r.stdout).toMatch(/--profile <name>/);
      expect(r.stdout).toMatch(/--json/);
    }
  });

  it('query --help does not offer --yes (a query never asks)', async () => {
    const r = await runCli(['query', '--help']);
    expect(r.stdout).not.toMatch(/--yes/);
  });

  it('required options are marked', async () => {
    const prepay = (await runCli(['prepay', '--help'])).stdout;
    for (const flag of ['--out-trade-no <no>', '--amount <fen>', '--description <text>'])
      expect(prepay).toMatch(new RegExp(`${flag.replace(/[<>]/g, '.')}\\s+\\(required\\)`));
    const refund = (await runCli(['refund', 'create', '--help'])).stdout;
    for (const flag of ['--out-refund-no <no>', '--amount <fen>', '--total <fen>'])
      expect(refund).toMatch(new RegExp(`${flag.replace(/[<>]/g, '.')}\\s+\\(required\\)`));
  });
});

describe('one error format', () => {
  // Spawned: bin/wxpay's start-up bundle has its own copy of commander, so its errors are not instances of the
  // class the error reporter could import (src/report-error.ts recognises them by shape).
  it("an unknown option: `✖ USAGE:` and one hint naming the command's help", async () => {
    const r = await spawnCli(['query', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "✖ USAGE: unknown option '--bogus'\n  hint: Run `wxpay query --help` to see its arguments and an example.\n",
    );
  });

  it('a missing argument of a nested command', async () => {
    const r = await runCli(['api', 'GET']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "✖ USAGE: missing required argument 'path'\n  hint: Run `wxpay api --help` to see its arguments and an example.\n",
    );
  });

  it('an unknown command', async () => {
    const r = await runCli(['qurey']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^✖ USAGE: unknown command 'qurey'/);
    expect(r.stderr.match(/hint:/g)).toHaveLength(1);
  });

  it('with --json, commander errors are the JSON document too', async () => {
    const r = await runCli(['query', '--bogus', '--json']);
    expect(r.code).toBe(2);
    expect(r.error()).toMatchObject({ code: 'USAGE', message: "unknown option '--bogus'" });
  });

  it('a missing --out-trade-no says it is required', async () => {
    const r = await runCli([
      'prepay',
      'native',
      '--amount',
      '1',
      '--description',
      'Tea',
      '--notify-url',
      'https://example.com/n',
      '--dry-run',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('✖ USAGE: --out-trade-no is required');
    expect(r.stderr).not.toContain('must be 6-32');
  });
});

describe('colour', () => {
  it('FORCE_COLOR turns colour on without a TTY (and wins over NO_COLOR, as in Node)', async () => {
    const r = await runCli(['query', '--bogus'], { env: { FORCE_COLOR: '1' } });
    expect(r.stderr).toContain(ESC);
    const off = await runCli(['query', '--bogus'], { env: { FORCE_COLOR: '0' } });
    expect(off.stderr).not.toContain(ESC);
    const plain = await runCli(['query', '--bogus']);
    expect(plain.stderr).not.toContain(ESC);
  });
});

describe('webhook serve live line', () => {
  it('a DECRYPT_FAILED rejection names the usual cause, the wrong APIv3 key', () => {
    const line = formatLive({
      time: '2026-01-01T00:00:00.000Z',
      status: 400,
      outcome: 'rejected',
      verification: 'DECRYPT_FAILED',
    });
    expect(line).toContain('DECRYPT_FAILED');
    expect(line).toContain('wrong APIv3 key');
  });
});
