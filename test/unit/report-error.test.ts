// Regression (bundle-commander-error-identity): the start-up bundle carries its own commander copy, so usage
// errors are recognised by shape, including cmd.error() calls that carry a code of our own.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { isCommanderError, toWxpayError } from '../../src/report-error.js';

function thrownBy(fn: (cmd: Command) => void): unknown {
  const cmd = new Command('x').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    fn(cmd);
  } catch (e) {
    return e;
  }
  throw new Error('nothing thrown');
}

describe('report-error', () => {
  it('a commander error with its own code, or a custom one, is a usage error (exit 2)', () => {
    const missing = thrownBy((c) =>
      c
        .argument('<a>')
        .action(() => undefined)
        .parse([], { from: 'user' }),
    );
    const custom = thrownBy((c) =>
      c.error('error: --dry-run only applies to a batch', { exitCode: 2, code: 'wxpay.batchOption' }),
    );
    for (const e of [missing, custom]) {
      expect(isCommanderError(e)).toBe(true);
      expect(toWxpayError(e)).toMatchObject({ code: 'USAGE', exitCode: 2 });
    }
    expect((toWxpayError(custom) as Error).message).toBe('--dry-run only applies to a batch');
  });

  it('unknown-command-hint-names-commands: a typo\'d subcommand is pointed at the command list, not "its arguments"', () => {
    const typo = thrownBy((c) => {
      c.command('query').action(() => undefined);
      c.parse(['qurey'], { from: 'user' });
    });
    const e = toWxpayError(Object.assign(typo as Error, { commandPath: 'refund' }));
    expect(e).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((e as { hint: string }).hint).toBe('Run `wxpay refund --help` to see the commands it has.');
  });

  it("a look-alike plain error is not mistaken for commander's, and becomes INTERNAL (exit 1)", () => {
    const fake = Object.assign(new Error('boom'), { code: 'ENOENT', exitCode: 2 });
    expect(isCommanderError(fake)).toBe(false);
    expect(toWxpayError(fake)).toMatchObject({ code: 'INTERNAL', exitCode: 1 });
    expect(toWxpayError(thrownBy((c) => c.help()))).toEqual({ helpExit: 0 });
  });
});
