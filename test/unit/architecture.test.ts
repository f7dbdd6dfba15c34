// docs/architecture.md: dependencies point one way (main -> cli -> commands -> command-kit -> the feature folders ->
// http | config | files -> protocol), there are no import cycles, and protocol/ is pure: no process.*, no fs, no
// chalk, commander, cosmiconfig, undici or node:http. This test reads the imports and enforces it.
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

// Which layers each layer may import (docs/architecture.md has the same table, with each folder's job).
// Top-level files: main, cli, render, runtime, report-error, index, code-cache, quick-help, v8-flags.
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  http: ['protocol', 'v8-flags'],
  files: ['protocol'],
  config: ['protocol', 'files'],
  bills: ['protocol', 'files'],
  api: ['protocol', 'http', 'bills'],
  journal: ['protocol', 'files'],
  diagnostics: ['protocol', 'http', 'files', 'config', 'api'],
  store: ['protocol'],
  webhook: ['protocol', 'http', 'files', 'journal', 'store'],
  sandbox: ['protocol', 'http', 'files', 'bills', 'api'],
  batch: ['protocol', 'http', 'files', 'api', 'journal'],
  reconcile: ['protocol', 'files', 'bills', 'journal'],
  demo: ['protocol', 'http', 'config', 'api', 'diagnostics', 'webhook', 'sandbox'],
  // `fixtures run`'s engine: flow schema, references, expectations, the runner over injected executors. No I/O.
  fixtures: ['protocol'],
  // What commands share and what needs the Runtime: output, client context, argv guard, batch/bill runs.
  'command-kit': [
    ...['protocol', 'http', 'files', 'config', 'bills', 'api', 'diagnostics', 'webhook', 'sandbox', 'batch'],
    ...['store', 'reconcile', 'fixtures', 'render', 'runtime', 'version'],
    // Type-only (TYPE_ONLY below): a shared run takes the options type its commands' declarations derive.
    'cli',
  ],
  commands: [
    ...['protocol', 'http', 'files', 'config', 'bills', 'api', 'diagnostics', 'webhook', 'sandbox', 'batch', 'demo'],
    ...['store', 'reconcile', 'fixtures', 'command-kit', 'render', 'runtime'],
    // Type-only (TYPE_ONLY below): a command's options type is derived from its declaration in cli/.
    'cli',
  ],
  // cli reaches commands only through lazy import() (checked below), so --help loads no command code.
  cli: ['cli', 'runtime', 'version', 'commands', 'command-kit', 'report-error'],
  version: [],
  render: ['runtime'],
  runtime: [],
  'report-error': ['protocol', 'render', 'runtime'],
  main: ['cli', 'runtime'],
  // bin/wxpay's bundle loader with its code cache: Node built-ins, and the cached top-level help it prints.
  'code-cache': ['quick-help', 'v8-flags'],
  // The V8 flags bin/wxpay's process runs with: Node built-ins only.
  'v8-flags': [],
  // `wxpay --help` printed from the code-cache folder without commander: Node built-ins only.
  'quick-help': [],
  // The library's subpath entries (wxpay/protocol, /client, /sandbox, /webhook): explicit export lists.
  entries: ['protocol', 'http', 'config', 'api', 'webhook', 'sandbox'],
  index: ['entries'],
};

/** Edges allowed only as `import type` (erased, so nothing loads): they may point back up without making a cycle. */
const TYPE_ONLY: Record<string, string[]> = { commands: ['cli'], 'command-kit': ['cli'] };
const typeOnly = (from: string, to: string): boolean => TYPE_ONLY[from]?.includes(to) ?? false;

/** Modules that carry I/O or the CLI, which protocol/ must never load: it is what the library's verify path uses. */
const NOT_IN_PROTOCOL = ['chalk', 'commander', 'cosmiconfig', 'undici', 'node:http', 'node:https', 'node:net'];

/** The modules a file imports; with `runtimeOnly`, without `import type` (erased by tsc, so never loaded). */
function importsOf(file: string, runtimeOnly = false): string[] {
  const text = readFileSync(file, 'utf8').replace(runtimeOnly ? /^(import|export) type [^;]*;/gm : /$^/, '');
  const re =
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

describe('architecture', () => {
  const all = files(src);

  it('finds the source tree', () => {
    expect(all.some((f) => f.endsWith(path.join('protocol', 'sign.ts')))).toBe(true);
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
      for (const spec of importsOf(file, true).filter((s) => s.startsWith('.'))) {
        const target = layerOf(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
        if (typeOnly(from, target))
          violations.push(
            `${path.relative(repoRoot, file)} imports ${spec} (${from} -> ${target}) without import type`,
          );
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
          .filter((s) => s.includes('commands/') || /^(chalk|undici|cosmiconfig)(\/|$)/.test(s))
          .map((s) => `${path.relative(repoRoot, f)}: ${s}`);
      });
    expect(eager).toEqual([]);
  });

  it('protocol is pure: no process.*, no fs, and none of chalk, commander, cosmiconfig, undici, node:http', () => {
    const bad: string[] = [];
    for (const file of all.filter((f) => layerOf(f) === 'protocol')) {
      const text = readFileSync(file, 'utf8')
        .replace(/\/\/.*$/gm, '')
        .replace(/\/\*[\s\S]*?\*\//g, '');
      if (/\bprocess\./.test(text)) bad.push(`${path.basename(file)} uses process`);
      for (const spec of importsOf(file))
        if (NOT_IN_PROTOCOL.some((m) => spec === m || spec.startsWith(`${m}/`)) || /^(node:)?fs(\/|$)/.test(spec))
          bad.push(`${path.basename(file)} imports ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  // Between folders every import counts but the TYPE_ONLY edges (checked above to be `import type`); between files
  // only what is loaded (a type-only import back is fine).
  it('no import cycles between folders, nor between files', () => {
    const fileEdges = new Map<string, string[]>();
    const folderEdges = new Map<string, Set<string>>();
    for (const file of all) {
      const resolve = (specs: string[]) =>
        specs.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
      fileEdges.set(file, resolve(importsOf(file, true)));
      for (const t of resolve(importsOf(file))) {
        const [from, to] = [layerOf(file), layerOf(t)];
        if (from !== to && !typeOnly(from, to)) folderEdges.set(from, (folderEdges.get(from) ?? new Set()).add(to));
      }
    }
    const folders = new Map([...folderEdges].map(([k, v]) => [k, [...v]]));
    expect(findCycle(folders)).toEqual([]);
    expect(findCycle(fileEdges).map((f) => path.relative(src, f))).toEqual([]);
  });

  it("docs/architecture.md's import table is this test's ALLOWED, and the README lists every folder of src/", () => {
    const doc = readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| layer | may import |'));
    const rows = [...table.matchAll(/^\| `([\w-]+)` \| (.*) \|$/gm)].map(([, layer, cell]) => [
      layer,
      [...cell!.matchAll(/`([\w-]+)`/g)].map((m) => m[1]).filter((l) => l !== layer),
    ]);
    const want = Object.entries(ALLOWED).map(([layer, may]) => [layer, may.filter((l) => l !== layer)]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(want));
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([\w-]+)\/` \|/gm)].map((m) => m[1]).sort();
    const folders = readdirSync(src).filter((n) => statSync(path.join(src, n)).isDirectory());
    expect(listed).toEqual(folders.sort());
  });

  it('the bundled start-up file (dist/wxpay-cli.cjs) holds no protocol module, so no error class exists twice', () => {
    const bundle = readFileSync(path.join(repoRoot, 'dist', 'wxpay-cli.cjs'), 'utf8');
    expect(bundle).toContain('registerConfig');
    expect(bundle).not.toMatch(/class WxpayError|createPrivateKey|verifySignature/);
    expect(bundle).toContain('require("./bundle/commands.sign.cjs")');
    expect(bundle).toContain('require("./bundle/kernel.cjs")');
  });

  it('the error class is in the bundled kernel only, never copied into a command bundle (scripts/bundle-cli.mjs)', () => {
    const dir = path.join(repoRoot, 'dist', 'bundle');
    const holding = readdirSync(dir).filter((f) =>
      /class WxpayError\b|WxpayError=class\b/.test(readFileSync(path.join(dir, f), 'utf8')),
    );
    expect(holding).toEqual(['kernel.cjs']);
    expect(readFileSync(path.join(dir, 'commands.sign.cjs'), 'utf8')).toContain('require("./kernel.cjs")');
  });

  it('only main.ts calls process.exit or reads process.argv', () => {
    const bad = all
      .filter((f) => !f.endsWith(`${path.sep}main.ts`) && /process\.(exit|argv)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(bad).toEqual([]);
  });
});

/** One cycle in a directed graph (its nodes in order, first repeated last), or [] when there is none. */
function findCycle(edges: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] => {
    if (state.get(node) === 'done') return [];
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle.length) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return [];
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle.length) return cycle;
  }
  return [];
}
