// Issue 15: three check-result shapes and two printers (doctor, smoke checks, config check) became one type
// (diagnostics/checks.ts) and one printer (command-kit/print-checks.ts).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { worstStatus } from '../../src/diagnostics/checks.js';
import { repoRoot } from '../helpers/paths.js';

const grep = (pattern: string) =>
  execFileSync('grep', ['-rlE', pattern, 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').sort();

describe('check results', () => {
  it('worstStatus: fail over warn over pass', () => {
    expect(worstStatus([{ status: 'pass' }, { status: 'warn' }])).toBe('warn');
    expect(worstStatus([{ status: 'warn' }, { status: 'fail' }, { status: 'pass' }])).toBe('fail');
    expect(worstStatus([])).toBe('pass');
  });

  it('one type and one printer in src/', () => {
    expect(grep(String.raw`interface \w*Check(Result)?\b`)).toEqual(['src/diagnostics/checks.ts']);
    expect(grep('✔ pass')).toEqual(['src/command-kit/print-checks.ts']);
  });
});
