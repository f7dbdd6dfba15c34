// vitest.config.ts gives a process of its own to every test file with code that changes global state (module mocks,
// the environment, the cwd, process listeners, V8 flags), found by a pattern over the code outside template
// literals. A pattern can be fooled (a nested template, an odd backtick in a comment), so the isolated list is pinned
// here: a file joining or leaving it is a decision to review, not a side effect of an edit.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import config, { LATE_TURBOFAN } from '../../vitest.config.js';

type Project = { test: { name: string; include?: string[]; exclude?: string[] } };

describe('vitest projects', () => {
  it('isolates exactly the files that change global state', () => {
    const projects = (config as { test: { projects: Project[] } }).test.projects;
    const shared = projects.find((p) => p.test.name === 'shared')!.test.include!;
    const isolated = projects.find((p) => p.test.name === 'isolated')!.test;
    expect(isolated.exclude).toEqual(shared);
    expect(shared.length).toBeGreaterThan(150);
    const files = readdirSync(path.join(repoRoot, 'test'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${f.split(path.sep).join('/')}`);
    expect(files.filter((f) => !shared.includes(f)).sort()).toEqual([
      'test/unit/lean-download.test.ts',
      'test/unit/safe-write.test.ts',
    ]);
  });

  // A V8 flag this Node does not know makes every worker exit with "bad option" before any test runs: the flag was
  // renamed between V8 11 and 12, so check both that this Node takes it and that the workers got it.
  it("starts the workers with the late-TurboFan flag, in the form this Node's V8 knows", () => {
    expect(LATE_TURBOFAN).toHaveLength(1);
    expect(process.execArgv).toEqual(expect.arrayContaining(LATE_TURBOFAN));
    const printed = execFileSync(process.execPath, [...LATE_TURBOFAN, '-p', '"accepted"'], { encoding: 'utf8' });
    expect(printed.trim()).toBe('accepted');
  });
});
