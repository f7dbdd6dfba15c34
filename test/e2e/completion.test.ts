// `wxpay completion <shell>`, tested by driving each shell's own completion: bash and zsh call the completion
// function with COMP_WORDS set as the shell would (zsh through bashcompinit, with zsh's prefix matching), fish
// answers `complete -C "<command line>"`. (zsh: compinit's compdef is stubbed, since only the function is driven;
// a second test runs a real interactive zsh in a pseudo-terminal.) A shell that is not installed fails the test with how to install it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/paths.js';

const dir = tempDir('wxpay-completion-');
const home = path.join(dir, 'home');
const work = path.join(home, 'shop');
mkdirSync(path.join(work, 'other'), { recursive: true });
for (const f of ['conf-a.json', 'conf-b.yaml', 'capture.json', 'body.json']) writeFileSync(path.join(work, f), '{}');
writeFileSync(path.join(work, '.wxpayrc.json'), JSON.stringify({ profiles: { prod: {}, staging: {} } }));
writeFileSync(path.join(work, 'other', 'rc.json'), JSON.stringify({ profiles: { alpha: {}, beta: {} } }));
const env = cleanEnv({ HOME: home, PATH: `${path.join(repoRoot, 'bin')}:${process.env.PATH}` });

type Shell = 'bash' | 'zsh' | 'fish';
const scripts: Partial<Record<Shell, string>> = {};

const DRIVERS: Record<Shell, (file: string, words: string[]) => string[]> = {
  bash: (file, words) => [
    'bash',
    '--norc',
    '--noprofile',
    '-c',
    'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wxpay_complete; printf "%s\\n" "${COMPREPLY[@]}"',
    '_',
    file,
    ...words,
  ],
  zsh: (file, words) => [
    'zsh',
    '-f',
    '-c',
    'compdef() { :; }; source "$1"; shift; setopt ksharrays; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); PREFIX="${COMP_WORDS[COMP_CWORD]}"; _wxpay_complete; print -rl -- "${COMPREPLY[@]}"',
    '_',
    file,
    ...words,
  ],
  fish: (file, words) => ['fish', '--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, words.join(' ')],
};

function complete(shell: Shell, words: string[], cwd = work): string[] {
  const [bin, ...args] = DRIVERS[shell](path.join(dir, `wxpay.${shell}`), ['wxpay', ...words]);
  const res = spawnSync(bin!, args, { cwd, env, encoding: 'utf8' });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const out = res.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]!);
  // zsh's compadd keeps only the matches of the word being completed; the bash emulation leaves that to it.
  const cur = words[words.length - 1] ?? '';
  return [...new Set(shell === 'zsh' ? out.filter((m) => m.startsWith(cur)) : out)].sort();
}

const installed = (shell: Shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe.each(['bash', 'zsh', 'fish'] as const)('%s completion', (shell) => {
  beforeAll(async () => {
    // Visible, not skipped: CI must install the shell (apt-get install -y zsh fish).
    if (!installed(shell))
      throw new Error(`${shell} is not installed, so its completion cannot be tested: apt-get install -y ${shell}`);
    const res = await runCli(['completion', shell]);
    expect(res.code).toBe(0);
    scripts[shell] = res.stdout;
    writeFileSync(path.join(dir, `wxpay.${shell}`), res.stdout);
  });

  it('commands, sub-commands and flags', () => {
    expect(complete(shell, [''])).toEqual(
      expect.arrayContaining(['sign', 'paysign', 'config', 'completion', 'prepay']),
    );
    expect(complete(shell, ['config', ''])).toEqual(['check', 'init', 'profiles', 'show']);
    expect(complete(shell, ['sign', '--bo'])).toEqual(['--body', '--body-file']);
  });

  it('file names for --config, --capture and --body-file', () => {
    expect(complete(shell, ['--config', './co'])).toEqual(['./conf-a.json', './conf-b.yaml']);
    expect(complete(shell, ['notify', 'verify', '--capture', './ca'])).toEqual(['./capture.json']);
    expect(complete(shell, ['sign', 'POST', '/v3/x', '--body-file', './bo'])).toEqual(['./body.json']);
  });

  it('values for prepay <kind>, --mode and completion <shell>', () => {
    expect(complete(shell, ['prepay', ''])).toEqual(['app', 'h5', 'jsapi', 'native']);
    expect(complete(shell, ['demo', '--mode', ''])).toEqual(['cert', 'mixed', 'pubkey']);
    expect(complete(shell, ['sandbox', 'init', '--mode', 'p'])).toEqual(['pubkey']);
    expect(complete(shell, ['completion', ''])).toEqual(['bash', 'fish', 'zsh']);
  });

  it('profile names, from the --config already on the line when there is one', () => {
    expect(complete(shell, ['--profile', ''])).toEqual(['prod', 'staging']);
    expect(complete(shell, ['--config', 'other/rc.json', 'query', '--profile', ''])).toEqual(['alpha', 'beta']);
  });

  it('TAB after --profile runs no rc file (regression: completion ran .wxpayrc.cjs from the current folder)', () => {
    const repo = path.join(home, `cloned-${shell}`);
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    const marks = [path.join(repo, 'RAN'), path.join(repo, 'src', 'RAN')];
    for (const m of marks)
      writeFileSync(
        path.join(path.dirname(m), '.wxpayrc.cjs'),
        `require('fs').writeFileSync(${JSON.stringify(m)}, '1'); module.exports = { profiles: { evil: {} } };\n`,
      );
    expect(complete(shell, ['--profile', ''], path.join(repo, 'src'))).toEqual([]);
    expect(complete(shell, ['--config', '../.wxpayrc.cjs', '--profile', ''], path.join(repo, 'src'))).toEqual([]);
    expect(marks.filter((m) => existsSync(m))).toEqual([]);
  });
});

describe('the bash script runs on bash 3.2 (macOS)', () => {
  it('uses no bash 4 feature: associative arrays, declare -g, mapfile, ${x,,}, |&, or an unguarded compopt', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    expect(script).not.toMatch(
      /declare\s+-\w*[Ag]|local\s+-A|typeset\s+-A|\bmapfile\b|\breadarray\b|\$\{\w+(,,|\^\^)|\|&/,
    );
    for (const line of script.split('\n').filter((l) => /\bcompopt\b/.test(l)))
      expect(line).toContain('type compopt >/dev/null 2>&1');
    // The script was bash 4 only before (declare -gA): the same check on that text fails.
    expect('declare -gA _wxpay_subs=(').toMatch(/declare\s+-\w*[Ag]/);
  });

  it('an unknown shell is a usage error naming the three', async () => {
    const bad = await runCli(['completion', 'tcsh', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.error()).toMatchObject({ code: 'USAGE', hint: 'Use bash, zsh, fish.' });
  });
});

// A real interactive zsh in a pseudo-terminal (test/helpers/zsh-tab.zsh): compinit autoloads _wxpay from fpath,
// TAB is pressed once, and the matches zsh would offer are written to a file.
describe('zsh, interactively (compinit + a pseudo-terminal)', () => {
  it('the first TAB completes: file names, prepay kinds, profiles', () => {
    if (!installed('zsh')) throw new Error('zsh is not installed: apt-get install -y zsh');
    const fpathDir = path.join(dir, 'zfunc');
    mkdirSync(fpathDir, { recursive: true });
    writeFileSync(path.join(fpathDir, '_wxpay'), readFileSync(path.join(dir, 'wxpay.zsh')));
    const tab = (line: string, n: number): string[] => {
      const out = path.join(dir, `zpty-${n}.txt`);
      spawnSync('zsh', ['-f', path.join(repoRoot, 'test', 'helpers', 'zsh-tab.zsh'), fpathDir, out, line], {
        cwd: work,
        env,
        timeout: 20_000,
      });
      return existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).sort() : [];
    };
    expect(tab('wxpay --config ./co', 1)).toEqual(['./conf-a.json', './conf-b.yaml']);
    expect(tab('wxpay prepay ', 2)).toEqual(['app', 'h5', 'jsapi', 'native']);
    expect(tab('wxpay --config other/rc.json --profile ', 3)).toEqual(['alpha', 'beta']);
  });
});
