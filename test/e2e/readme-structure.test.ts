// The README's structure: every leaf command of the CLI has a row with an example in the command table, every
// in-page link resolves to a heading, and the checked-block parser reads what readme-commands.test.ts runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { Runtime } from '../../src/runtime.js';
import { repoRoot } from '../helpers/paths.js';
import { checkedBlocks, shellWords } from './readme-parse.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README checked blocks', () => {
  it('cover the quick start and every task; lines split like a shell would', () => {
    expect(checkedBlocks(readme).map((b) => b.heading)).toEqual(
      expect.arrayContaining([
        'Quick start',
        'Operator: take payments, look them up, refund',
        'Developer: debugging a signature',
        'CI: prove keys, certificates and clock are healthy',
        'Webhook listener: receive callbacks locally',
        'Point of sale: payment code',
      ]),
    );
    expect(shellWords(`wxpay a --b "c d" 'e#f' # exit 5`)).toEqual({
      words: ['wxpay', 'a', '--b', 'c d', 'e#f'],
      comment: 'exit 5',
    });
    expect(() => shellWords('wxpay a | head')).toThrow(/no shell syntax/);
    expect(checkedBlocks('# T\n```sh checked\nwxpay a \\\n  --b\n```\n```sh\nwxpay c\n```\n')).toEqual([
      { heading: 'T', lines: ['wxpay a --b'] },
    ]);
  });
});

describe('README links', () => {
  it('every in-page link points at a heading (GitHub slugs), so a renamed section cannot leave a dead link', () => {
    let fence = false;
    const body = readme
      .split('\n')
      .filter((l) => (l.startsWith('```') ? ((fence = !fence), false) : !fence))
      .join('\n');
    const slugs = new Set(
      body
        .split('\n')
        .filter((l) => /^#{1,6} /.test(l))
        .map((l) =>
          l
            .replace(/^#+ /, '')
            .trim()
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, '')
            .replace(/\s/g, '-'),
        ),
    );
    const links = [...body.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((l) => !slugs.has(l))).toEqual([]);
  });
});

describe('README command table', () => {
  it('has a row with an example for every command of the CLI', () => {
    const sink = new PassThrough();
    const rt = {
      env: {},
      cwd: repoRoot,
      stdin: new PassThrough(),
      stdout: sink,
      stderr: sink,
      now: () => 0,
      onSignal: () => () => undefined,
    } as unknown as Runtime;
    const leaves: string[] = [];
    const walk = (cmd: Command, prefix: string[]) => {
      for (const sub of cmd.commands) {
        if (sub.name() === 'help') continue;
        if (sub.commands.length) walk(sub, [...prefix, sub.name()]);
        else leaves.push([...prefix, sub.name()].join(' '));
      }
    };
    walk(buildProgram(rt), []);
    expect(leaves.length).toBeGreaterThan(20);
    const missing = leaves.filter(
      (c) => !new RegExp(`^\\| \`wxpay ${c}\` \\| \`wxpay ${c}( [^\`]*)?\` \\|$`, 'm').test(readme),
    );
    expect(missing, 'commands without a row "| `wxpay <cmd>` | `wxpay <cmd> …` |" in the README').toEqual([]);
  });
});

describe('README followed in order, by a person', () => {
  const code = [...readme.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
  const commandLines = code
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/^\$ /, ''))
    .filter((l) => /(^|\s)wxpay\s/.test(l));

  it('never tells anyone to run a bare `npx wxpay` (it could fetch another package); CI uses npx --no-install', () => {
    expect(code.flatMap((b) => b.split('\n')).filter((l) => /npx (?!--no-install )wxpay/.test(l))).toEqual([]);
    expect(readme).toMatch(/npx --no-install wxpay smoke/);
  });

  it('every notify replay in a checked block re-signs: a reader may run it more than 5 minutes after the trigger', () => {
    const replays = checkedBlocks(readme)
      .flatMap((b) => b.lines)
      .filter((l) => /^wxpay notify replay /.test(l));
    expect(replays.length).toBeGreaterThan(0);
    expect(replays.filter((l) => !shellWords(l).words.includes('--resign'))).toEqual([]);
  });

  // Regression readme-unique-ids: the batch example refunded R20260101001 again, with another amount, after the
  // operator block had made it. An id may appear many times, but every command that creates it must agree.
  it('each out_trade_no / out_refund_no is created with one set of parameters across all examples', () => {
    const created = new Map<string, Set<string>>();
    const add = (id: string, what: string) => created.set(id, (created.get(id) ?? new Set()).add(what));
    const opt = (words: string[], name: string) => words[words.indexOf(name) + 1] ?? '';
    for (const line of commandLines) {
      const { words } = shellWords(line.replace(/[|>].*$/, ''));
      const at = words.indexOf('wxpay');
      const [cmd, sub] = [words[at + 1], words[at + 2]];
      if (cmd === 'prepay' && words.includes('--out-trade-no'))
        add(opt(words, '--out-trade-no'), `prepay ${sub} ${opt(words, '--amount')}`);
      if (cmd === 'refund' && sub === 'create' && words.includes('--out-refund-no')) {
        add(
          opt(words, '--out-refund-no'),
          `refund ${opt(words, '--out-trade-no')} ${opt(words, '--amount')}/${opt(words, '--total')}`,
        );
      }
    }
    for (const row of code.flatMap((b) => b.split('\n')).filter((l) => /^[A-Z]+\d+,R\d+,\d+,\d+,/.test(l))) {
      const [order, refund, amount, total] = row.split(',');
      add(refund!, `refund ${order} ${amount}/${total}`);
    }
    expect(created.get('R20260101001')?.size).toBe(1);
    expect([...created].filter(([, v]) => v.size > 1).map(([id, v]) => `${id}: ${[...v].join(' | ')}`)).toEqual([]);
  });
});
