// Secrets hygiene (issue 9): the APIv3 key never travels on argv. No option of any command takes it (every option
// whose name mentions a key is listed here with what it really takes), and each plausible flag for it, on every
// command, is refused as a usage error (exit 2) whose output does not repeat the value. One spawned run proves
// the same through bin/wxpay.
import { PassThrough } from 'node:stream';
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { reportError } from '../../src/report-error.js';
import type { Runtime } from '../../src/runtime.js';
import { spawnCli } from '../helpers/cli.js';
import { trackSecret } from '../helpers/secrets.js';

const KEY = 'Hyg1eneArgvApiV3Key0123456789abc';
trackSecret('APIv3 key tried on argv', KEY);

/** Options that mention a key, and what they take instead of key material. A new one must be added here. */
const KEY_OPTIONS: Record<string, string> = {
  '--apiv3-key-file': 'a path',
  '--apiv3-key-env': 'an env variable name',
  '--private-key': 'a path',
  '--public-key': 'a path',
  '--public-key-id': 'an id',
  '--public-key-path': 'a path',
  '--private-key-path': 'a path',
  '--print-secret': 'a switch (prints the forward secret kept beside the journal)',
};
const PLAUSIBLE = [
  '--apiv3-key',
  '--api-v3-key',
  '--apiv3',
  '--api-key',
  '--key',
  '--v3-key',
  '--apiv3key',
  '--secret',
];

function leaves(cmd: Command, prefix: string[] = []): Array<{ path: string[]; cmd: Command }> {
  const here = cmd.name() === 'wxpay' ? [] : [...prefix, cmd.name()];
  if (!cmd.commands.length) return [{ path: here, cmd }];
  return cmd.commands.flatMap((c) => leaves(c, here));
}

function fakeRuntime(env: Record<string, string> = {}): Runtime & { out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  stderr.on('data', (c: Buffer) => chunks.push(c));
  return {
    env,
    cwd: '/nonexistent',
    stdin: new PassThrough(),
    stdout,
    stderr,
    now: () => 0,
    onSignal: () => () => undefined,
    out: () => Buffer.concat(chunks).toString(),
  };
}

interface Ran {
  code: number;
  printed: string;
  commanderCode?: string | undefined;
  errorCode?: string | undefined;
}

/**
 * One program, built the way main.ts builds it, that parses argv in-process as often as asked (commander restores
 * its option state before each parse): each call returns the exit code and what that parse printed. Building the
 * program is most of a run's cost, and the per-command test parses 16 argvs per command. `all()` is everything
 * printed so far, for output that arrives after a parse returned.
 */
function cli(env: Record<string, string> = {}): { run: (argv: string[]) => Promise<Ran>; all: () => string } {
  const rt = fakeRuntime(env);
  const program = buildProgram(rt);
  const silence = (c: Command): void => {
    c.configureOutput({ writeOut: (s) => rt.stdout.write(s), writeErr: (s) => rt.stderr.write(s) });
    c.commands.forEach(silence);
  };
  silence(program);
  const run = async (argv: string[]): Promise<Ran> => {
    const before = rt.out().length;
    const printed = () => rt.out().slice(before);
    try {
      await program.parseAsync(['node', 'wxpay', ...argv]);
      return { code: 0, printed: printed() };
    } catch (err) {
      const code = reportError(err, rt, false, false);
      const errCode = (err as { code?: string }).code;
      return { code, printed: printed(), commanderCode: errCode, errorCode: errCode };
    }
  };
  return { run, all: rt.out };
}

/** Parses argv once in a program of its own; returns the exit code and everything printed. */
const run = (argv: string[], env: Record<string, string> = {}): Promise<Ran> => cli(env).run(argv);

const all = leaves(buildProgram(fakeRuntime()));

describe('no flag takes the APIv3 key', () => {
  it('finds the commands (sanity)', () => {
    expect(all.length).toBeGreaterThan(15);
    expect(all.map((l) => l.path.join(' '))).toEqual(
      expect.arrayContaining(['notify decrypt', 'webhook serve', 'config check']),
    );
  });

  it('every option whose name mentions a key takes a path, a name or an id', () => {
    const seen = new Set<string>();
    for (const { cmd } of all) {
      for (const o of cmd.options) if (o.long && /key|secret/i.test(o.long)) seen.add(o.long);
    }
    const unknown = [...seen].filter((o) => !(o in KEY_OPTIONS));
    expect(unknown).toEqual([]);
  });

  it.each(all.map((l) => [l.path.join(' '), l.path, l.cmd] as const))(
    '%s refuses each plausible APIv3-key flag with exit 2, without echoing it',
    async (_name, path, cmd) => {
      // Mandatory options are given, so that the refusal seen is the unknown flag's, not a missing option's.
      const mandatory = cmd.options.filter((o) => o.mandatory && o.long).flatMap((o) => [o.long!, 'x']);
      const program = cli();
      for (const flag of PLAUSIBLE) {
        for (const argv of [
          [...path, ...mandatory, flag, KEY],
          [...path, ...mandatory, `${flag}=${KEY}`],
        ]) {
          const r = await program.run(argv);
          expect({ argv: argv.join(' '), code: r.code, commander: r.commanderCode }).toEqual({
            argv: argv.join(' '),
            code: 2,
            commander: 'commander.unknownOption',
          });
          expect(r.printed).not.toContain(KEY);
        }
      }
      expect(program.all()).not.toContain(KEY);
    },
  );
});

describe('a value equal to the exported APIv3 key', () => {
  const env = { WXPAY_PROD_APIV3_KEY: KEY };
  it.each([
    ['a positional', ['query', KEY]],
    ['an option value', ['notify', 'decrypt', '--capture', KEY]],
    ['part of a value', ['refund', 'create', '--from', `/tmp/${KEY}.csv`]],
  ])('is refused as %s, before the command runs, without echoing it', async (_what, argv) => {
    const r = await run(argv, env);
    expect(r).toMatchObject({ code: 2, errorCode: 'USAGE' });
    expect(r.printed).toContain('APIv3 key was given on the command line');
    expect(r.printed).not.toContain(KEY);
  });

  it('other values still run (the guard does not fire on them)', async () => {
    const r = await run(['notify', 'decrypt', '/nonexistent/capture.json'], env);
    expect(r.printed).not.toContain('APIv3 key was given');
  });
});

describe('through bin/wxpay', () => {
  it('notify decrypt --apiv3-key <key> exits 2 and prints no key', async () => {
    const r = await spawnCli(['notify', 'decrypt', '--apiv3-key', KEY, '--json']);
    expect(r.code).toBe(2);
    expect(r.error().code).toBe('USAGE');
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
  });
});
