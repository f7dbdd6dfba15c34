// `npm test`'s pretest skips the build only when dist/ is the build of the tree as it is (scripts/build-stamp.mjs):
// any change to what the build reads or to what it wrote, a failed build, or a missing stamp must rebuild.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginBuild, endBuild, isUpToDate, STAMP } from '../../scripts/build-stamp.mjs';
import { tempDir } from '../helpers/fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const base = tempDir('wxpay-stamp-');
let n = 0;

/** A small tree with one file of each kind the build reads, "built" (dist/ written) and stamped. */
function builtTree(): string {
  const root = path.join(base, `t${n++}`);
  for (const d of ['src/store', 'scripts', 'dist/bundle', 'node_modules'])
    mkdirSync(path.join(root, d), { recursive: true });
  const files: Record<string, string> = {
    'src/a.ts': 'export const a = 1;\n',
    'src/store/1.sql': 'CREATE TABLE t ();\n',
    'scripts/bundle.mjs': '// bundles\n',
    'tsconfig.json': '{}\n',
    'package.json': '{"name":"x"}\n',
    'package-lock.json': '{}\n',
    'node_modules/.package-lock.json': '{"packages":{}}\n',
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(root, f), text);
  beginBuild(root);
  writeFileSync(path.join(root, 'dist/a.js'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'dist/bundle/cli.cjs'), 'module.exports = 1;\n');
  writeFileSync(path.join(root, 'dist/.tsbuildinfo'), '{}');
  endBuild(root);
  return root;
}

describe('scripts/build-stamp.mjs', () => {
  it('a built tree is up to date; tsc build info changing is not a change', () => {
    const root = builtTree();
    expect(isUpToDate(root)).toBe(true);
    writeFileSync(path.join(root, 'dist/.tsbuildinfo'), '{"changed":true}');
    expect(isUpToDate(root)).toBe(true);
  });

  it.each([
    ['a source edited', 'src/a.ts', 'export const a = 2;\n'],
    ['a source added', 'src/b.ts', 'export const b = 1;\n'],
    ['a migration edited', 'src/store/1.sql', 'CREATE TABLE u ();\n'],
    ['a build script edited', 'scripts/bundle.mjs', '// bundles differently\n'],
    ['the tsconfig edited', 'tsconfig.json', '{"compilerOptions":{}}\n'],
    ['a tsconfig added', 'tsconfig.build.json', '{}\n'],
    ['package.json edited', 'package.json', '{"name":"x","version":"2"}\n'],
    ['another package installed', 'node_modules/.package-lock.json', '{"packages":{"a":{}}}\n'],
    ['an output edited', 'dist/a.js', 'export const a = 3;\n'],
    ['an output added', 'dist/bundle/extra.cjs', '1;\n'],
  ])('%s: not up to date', (_what, file, text) => {
    const root = builtTree();
    writeFileSync(path.join(root, file), text);
    expect(isUpToDate(root)).toBe(false);
  });

  it('an output deleted, the stamp deleted, or a build that did not finish: not up to date', () => {
    const deleted = builtTree();
    removeTemp(path.join(deleted, 'dist/bundle/cli.cjs'));
    expect(isUpToDate(deleted)).toBe(false);
    const unstamped = builtTree();
    removeTemp(path.join(unstamped, 'dist', STAMP));
    expect(isUpToDate(unstamped)).toBe(false);
    const failed = builtTree();
    beginBuild(failed); // a second build that stops before its end, e.g. on a type error
    expect(isUpToDate(failed)).toBe(false);
  });

  it('a source edited while the build ran is not taken as built', () => {
    const root = builtTree();
    beginBuild(root);
    writeFileSync(path.join(root, 'src/a.ts'), 'export const a = 4;\n');
    endBuild(root);
    expect(isUpToDate(root)).toBe(false);
  });
});
