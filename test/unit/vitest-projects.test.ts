// vitest.config.ts gives a process of its own to every test file with code that changes global state (module mocks,
// the environment, the cwd, process listeners, V8 flags), found by a pattern over the code outside template
// literals. A pattern can be fooled (a nested template, an odd backtick in a comment), so the isolated list is pinned
// here: a file joining or leaving it is a decision to review, not a side effect of an edit.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import config, { LATE_TURBOFAN, TURBOFAN_THRESHOLDS } from '../../vitest.config.js';

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

  // Ten times this V8's own default, under the name this V8 knows (the name changed after V8 11.3; an unknown flag
  // would stop the workers before any test ran, so the config probes for it).
  it("starts the workers with TurboFan's threshold ten times this V8's default", () => {
    const [flag] = LATE_TURBOFAN;
    expect(flag).toBeDefined();
    expect(TURBOFAN_THRESHOLDS).toContain(flag);
    expect(process.execArgv).toContain(flag);
    const [name, value] = flag!.split('=');
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const fallback = new RegExp(`default: ${name}=(\\d+)`).exec(options);
    expect(fallback, `${name} in node --v8-options`).not.toBeNull();
    expect(Number(value)).toBe(10 * Number(fallback![1]));
  });
});
