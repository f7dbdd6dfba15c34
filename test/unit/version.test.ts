// Issue 15: the version was defined twice (package.json and a constant in cli.ts). package.json is now the one
// definition: src/version.ts reads it, and the start-up bundle carries the value read at build time.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { repoRoot } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('the version', () => {
  it('is package.json’s, in the library and in `wxpay --version` (the bundle)', () => {
    expect(VERSION).toBe(pkg.version);
    const shown = execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'wxpay'), '--version'], {
      encoding: 'utf8',
    });
    expect(shown.trim()).toBe(pkg.version);
  });

  it('is written nowhere in src/', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = path.join(dir, n);
        return statSync(p).isDirectory() ? files(p) : [p];
      });
    const literal = `'${pkg.version}'`;
    const found = files(path.join(repoRoot, 'src')).filter((f) => readFileSync(f, 'utf8').includes(literal));
    expect(found).toEqual([]);
  });
});
