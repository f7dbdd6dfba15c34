// docs/architecture.md: dependencies point one way (main -> cli -> commands -> api | webhook | sandbox | batch -> core),
// and core is pure: no process.*, no chalk, no commander. This test reads the imports and enforces it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const src = path.join(repoRoot, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

const layerOf = (file: string): string => {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? (rel[0] ?? '').replace(/\.ts$/, '') : (rel[0] ?? '');
};

// Which layers each layer may import. Top-level files: main, cli, render, runtime, report-error, index.
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  api: ['api', 'core'],
  sandbox: ['sandbox', 'core', 'api'],
  webhook: ['webhook', 'journal', 'core'],
  batch: ['batch', 'journal', 'core', 'api'],
  journal: ['journal', 'core'],
  commands: ['commands', 'api', 'webhook', 'sandbox', 'batch', 'core', 'render', 'runtime'],
  // cli reaches commands only through lazy import() (checked below), so --help loads no command code.
  cli: ['cli', 'runtime', 'commands', 'report-error'],
  render: ['runtime'],
  runtime: [],
  'report-error': ['core', 'render', 'runtime'],
  main: ['cli', 'runtime', 'report-error'],
  index: ['core', 'api', 'sandbox', 'webhook', 'batch'],
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push((m[1] ?? m[2])!);
  return out;
}

describe('architecture', () => {
  const all = files(src);

  it('finds the source tree', () => {
    expect(all.some((f) => f.endsWith(path.join('core', 'sign.ts')))).toBe(true);
  });

  it('every relative import points down the layers', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${path.relative(repoRoot, file)}: unknown layer "${from}" (add it to ALLOWED)`);
        continue;
      }
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = layerOf(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
        if (target !== from && !allowed.includes(target))
          violations.push(`${path.relative(repoRoot, file)} imports ${spec} (${from} -> ${target})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('cli declarations import command modules only lazily', () => {
    const eager = all
      .filter((f) => ['cli'].includes(layerOf(f)) || f.endsWith(`${path.sep}cli.ts`))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return [...text.matchAll(/^\s*import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)]
          .map((m) => m[1]!)
          .filter((s) => s.includes('commands/') || ['chalk', 'undici', 'cosmiconfig'].includes(s))
          .map((s) => `${path.relative(repoRoot, f)}: ${s}`);
      });
    expect(eager).toEqual([]);
  });

  it('core is pure: no process.*, chalk, commander or CLI imports', () => {
    const bad: string[] = [];
    for (const file of all.filter((f) => layerOf(f) === 'core')) {
      const text = readFileSync(file, 'utf8')
        .replace(/\/\/.*$/gm, '')
        .replace(/\/\*[\s\S]*?\*\//g, '');
      if (/\bprocess\.(?!env\b)|\bprocess\.env\b/.test(text)) bad.push(`${path.basename(file)} uses process`);
      for (const spec of importsOf(file))
        if (['chalk', 'commander'].includes(spec)) bad.push(`${path.basename(file)} imports ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  it('the bundled start-up file (dist/wxpay-cli.cjs) holds no core module, so no error class exists twice', () => {
    const bundle = readFileSync(path.join(repoRoot, 'dist', 'wxpay-cli.cjs'), 'utf8');
    expect(bundle).toContain('registerFoundation');
    expect(bundle).not.toMatch(/class WxpayError|createPrivateKey|verifySignature/);
    expect(bundle).toContain('import("./commands/sign.js")');
  });

  it('only main.ts calls process.exit or reads process.argv', () => {
    const bad = all
      .filter((f) => !f.endsWith(`${path.sep}main.ts`) && /process\.(exit|argv)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(bad).toEqual([]);
  });
});
