// `wxpay completion <shell>`, tested by driving each shell's own completion: bash and zsh call the completion
// function with COMP_WORDS set as the shell would (zsh through bashcompinit, with zsh's prefix matching), fish
// answers `complete -C "<command line>"`. (zsh: compinit's compdef is stubbed, since only the function is driven;
// a second test runs a real interactive zsh in a pseudo-terminal.) A shell that is not installed fails the test with how to install it.
import { execFile, spawnSync } from 'node:child_process';
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

// Each case asks several completions of one shell process, as an interactive shell calls its completion function
// again at every TAB: a shell start per completion was most of this file's time. The words of each completion go
// as `<count> <word>...` (fish: one command line each); after each one's matches the shell prints END (the ASCII
// record separator) on a line of its own.
const END = '\u001e';
const DRIVERS: Record<Shell, (file: string, lines: string[][]) => string[]> = {
  bash: (file, lines) => [
    'bash',
    '--norc',
    '--noprofile',
    '-c',
    'source "$1"; shift; while [ $# -gt 0 ]; do n=$1; shift; COMP_WORDS=("${@:1:n}"); shift "$n"; COMP_CWORD=$((n - 1)); unset COMPREPLY; _wxpay_complete; printf "%s\\n" "${COMPREPLY[@]}" $\'\\x1e\'; done',
    '_',
    file,
    ...lines.flatMap((words) => [`${words.length}`, ...words]),
  ],
  zsh: (file, lines) => [
    'zsh',
    '-f',
    '-c',
    'compdef() { :; }; source "$1"; shift; while (( $# )); do n=$1; shift; w=("${(@)argv[1,n]}"); shift $n; setopt ksharrays; COMP_WORDS=("${w[@]}"); COMP_CWORD=$((n - 1)); PREFIX="${COMP_WORDS[COMP_CWORD]}"; unset COMPREPLY; _wxpay_complete; print -rl -- "${COMPREPLY[@]}" $\'\\x1e\'; unsetopt ksharrays; done',
    '_',
    file,
    ...lines.flatMap((words) => [`${words.length}`, ...words]),
  ],
  fish: (file, lines) => [
    'fish',
    '--no-config',
    '-c',
    'source $argv[1]; for line in $argv[2..-1]; complete -C $line; echo \\x1e; end',
    file,
    ...lines.map((words) => words.join(' ')),
  ],
};

/** The matches `shell` offers for each command line (the words after `wxpay`), asked in one shell process. */
async function completeAll(shell: Shell, lines: string[][], cwd = work): Promise<string[][]> {
  const [bin, ...args] = DRIVERS[shell](
    path.join(dir, `wxpay.${shell}`),
    lines.map((words) => ['wxpay', ...words]),
  );
  const res = await run(bin!, args, cwd);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  const answers = res.stdout.split(`${END}\n`);
  expect(answers.pop()).toBe('');
  expect(answers).toHaveLength(lines.length);
  return answers.map((text, i) => {
    const out = text
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);
    // zsh's compadd keeps only the matches of the word being completed; the bash emulation leaves that to it.
    const cur = lines[i]!.at(-1) ?? '';
    return [...new Set(shell === 'zsh' ? out.filter((m) => m.startsWith(cur)) : out)].sort();
  });
}

/** Runs a process without blocking the worker (the cases of this file overlap while their shells run). */
function run(
  bin: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, env, encoding: 'utf8', timeout: 25_000 }, (err, stdout, stderr) => {
      // A non-zero exit is an answer to check; anything else (not found, killed by the timeout) is an error.
      if (err && typeof err.code !== 'number') reject(new Error(`${bin} did not finish: ${err.message}`));
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

const installed = (shell: Shell) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

describe.concurrent.each(['bash', 'zsh', 'fish'] as const)('%s completion', (shell) => {
  beforeAll(async () => {
    // Visible, not skipped: CI must install the shell (apt-get install -y zsh fish).
    if (!installed(shell))
      throw new Error(`${shell} is not installed, so its completion cannot be tested: apt-get install -y ${shell}`);
    const res = await runCli(['completion', shell]);
    expect(res.code).toBe(0);
    scripts[shell] = res.stdout;
    writeFileSync(path.join(dir, `wxpay.${shell}`), res.stdout);
  });

  it('commands, sub-commands and flags', async () => {
    const [root, config, flags] = await completeAll(shell, [[''], ['config', ''], ['sign', '--bo']]);
    expect(root).toEqual(expect.arrayContaining(['sign', 'paysign', 'config', 'completion', 'prepay']));
    expect(config).toEqual(['check', 'init', 'profiles', 'show']);
    expect(flags).toEqual(['--body', '--body-file']);
  });

  it('file names for --config, --capture and --body-file', async () => {
    await expect(
      completeAll(shell, [
        ['--config', './co'],
        ['notify', 'verify', '--capture', './ca'],
        ['sign', 'POST', '/v3/x', '--body-file', './bo'],
      ]),
    ).resolves.toEqual([['./conf-a.json', './conf-b.yaml'], ['./capture.json'], ['./body.json']]);
  });

  it('values for prepay <kind>, --mode and completion <shell>', async () => {
    await expect(
      completeAll(shell, [
        ['prepay', ''],
        ['demo', '--mode', ''],
        ['sandbox', 'init', '--mode', 'p'],
        ['completion', ''],
      ]),
    ).resolves.toEqual([
      ['app', 'h5', 'jsapi', 'native'],
      ['cert', 'mixed', 'pubkey'],
      ['pubkey'],
      ['bash', 'fish', 'zsh'],
    ]);
  });

  it('profile names, from the --config already on the line when there is one', async () => {
    await expect(
      completeAll(shell, [
        ['--profile', ''],
        ['--config', 'other/rc.json', 'query', '--profile', ''],
      ]),
    ).resolves.toEqual([
      ['prod', 'staging'],
      ['alpha', 'beta'],
    ]);
  });

  it('TAB after --profile runs no rc file (regression: completion ran .wxpayrc.cjs from the current folder)', async () => {
    const repo = path.join(home, `cloned-${shell}`);
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    const marks = [path.join(repo, 'RAN'), path.join(repo, 'src', 'RAN')];
    for (const m of marks)
      writeFileSync(
        path.join(path.dirname(m), '.wxpayrc.cjs'),
        `require('fs').writeFileSync(${JSON.stringify(m)}, '1'); module.exports = { profiles: { evil: {} } };\n`,
      );
    const lines = [
      ['--profile', ''],
      ['--config', '../.wxpayrc.cjs', '--profile', ''],
    ];
    await expect(completeAll(shell, lines, path.join(repo, 'src'))).resolves.toEqual([[], []]);
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
  it('the first TAB completes: file names, prepay kinds, profiles', async () => {
    if (!installed('zsh')) throw new Error('zsh is not installed: apt-get install -y zsh');
    const fpathDir = path.join(dir, 'zfunc');
    mkdirSync(fpathDir, { recursive: true });
    writeFileSync(path.join(fpathDir, '_wxpay'), readFileSync(path.join(dir, 'wxpay.zsh')));
    // compinit's dump of the same fpath, made once, as a user's first shell writes ~/.zcompdump; the three shells
    // below read it. It must map wxpay to _wxpay, or those shells would complete nothing.
    const dump = path.join(dir, 'zcompdump');
    const made = await run(
      'zsh',
      ['-f', '-c', 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -d "$2"', '_', fpathDir, dump],
      work,
    );
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(dump, 'utf8')).toMatch(/^'wxpay' '_wxpay'$/m);
    // Each line in a zsh of its own, so each TAB is that shell's first; the three run at once.
    const tab = async (line: string, n: number): Promise<string[]> => {
      const out = path.join(dir, `zpty-${n}.txt`);
      await run('zsh', ['-f', path.join(repoRoot, 'test', 'helpers', 'zsh-tab.zsh'), fpathDir, out, line, dump], work);
      return existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).sort() : [];
    };
    await expect(
      Promise.all([
        tab('wxpay --config ./co', 1),
        tab('wxpay prepay ', 2),
        tab('wxpay --config other/rc.json --profile ', 3),
      ]),
    ).resolves.toEqual([
      ['./conf-a.json', './conf-b.yaml'],
      ['app', 'h5', 'jsapi', 'native'],
      ['alpha', 'beta'],
    ]);
  });
});
