import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

function complete(script: string, words: string[], cwd: string): string[] {
  const file = path.join(cwd, 'wxpay.bash');
  writeFileSync(file, script);
  const cword = words.length - 1;
  const program = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${cword}; _wxpay; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const res = spawnSync('bash', ['-c', program], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${path.join(repoRoot, 'bin')}:${process.env.PATH}` } });
  expect(res.stderr).toBe('');
  return res.stdout.split('\n').filter(Boolean);
}

describe('wxpay completion', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-completion-'));

  it('bash: the script parses and completes commands, sub-commands, flags and profile names', async () => {
    const res = await runCli(['completion', 'bash']);
    expect(res.code).toBe(0);
    const file = path.join(dir, 'syntax.bash');
    writeFileSync(file, res.stdout);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const top = complete(res.stdout, ['wxpay', ''], dir);
    expect(top).toEqual(expect.arrayContaining(['sign', 'paysign', 'config', 'completion']));
    expect(complete(res.stdout, ['wxpay', 'config', ''], dir)).toEqual(expect.arrayContaining(['show', 'check', 'profiles']));
    expect(complete(res.stdout, ['wxpay', 'sign', '--bo'], dir).sort()).toEqual(['--body', '--body-file']);
    writeFileSync(path.join(dir, '.wxpayrc.json'), JSON.stringify({ profiles: { prod: {}, staging: {} } }));
    expect(complete(res.stdout, ['wxpay', '--profile', ''], dir).sort()).toEqual(['prod', 'staging']);
  });

  it('zsh and fish scripts cover the same commands; an unknown shell is a usage error', async () => {
    const zsh = await runCli(['completion', 'zsh']);
    expect(zsh.stdout).toContain('#compdef wxpay');
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runCli(['completion', 'fish']);
    expect(fish.stdout).toMatch(/complete -c wxpay -n '__fish_use_subcommand' -a 'sign'/);
    expect(fish.stdout).toMatch(/__fish_seen_subcommand_from config.* -a 'check'/);
    const bad = await runCli(['completion', 'tcsh', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.error()).toMatchObject({ code: 'USAGE' });
  });
});
