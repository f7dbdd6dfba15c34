#!/usr/bin/env node
// Bundles the CLI into CommonJS files, so no run of bin/wxpay starts the ES module loader, which costs more than
// all of wxpay's own start-up work (BENCHMARKS.md):
// - dist/wxpay-cli.cjs, the start-up path: main, the command declarations and commander. `wxpay --help` reads
//   this one file.
// - dist/bundle/kernel.cjs: what the start-up path and every command share (the error class, the reporter, render,
//   chalk), one instance per process; see kernelLinks in bundle-plugins.mjs.
// - dist/bundle/<path>.cjs, one per module the start-up path loads with import() (each command, the batch runner):
//   that module and everything it imports but the kernel and npm packages, which stay require()s. A command reads
//   its own bundle and the kernel, nothing else of wxpay's.
// - dist/bundle/undici.cjs: the parts of undici that src/http/undici-lean.ts loads (see undiciLinks in
//   bundle-plugins.mjs), the one npm package bundled: every API command loads it.
// - dist/code-cache.cjs (src/code-cache.ts), which bin/wxpay runs to load the bundles with a V8 code cache.
// tsc's ES modules in dist/ stay what the library entries (package.json "exports") load.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import {
  asRequire,
  commanderLazyChildProcess,
  distKey,
  importMetaUrl,
  kernelLinks,
  startupLinks,
  undiciLinks,
  versionInline,
} from './bundle-plugins.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const bundleDir = path.join(dist, 'bundle');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
/** The shared modules' roots; the kernel is these and everything they import from dist/. */
const KERNEL_ROOTS = ['report-error.js', 'command-kit/argv-guard.js'];

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Smaller source parses faster at every start; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

/** dist/commands/sign.js -> commands.sign.cjs: one flat folder, so every bundle reaches the kernel as ./kernel.cjs. */
const bundleName = (file) => `${distKey(dist, file).replace(/\.js$/, '').replaceAll('/', '.')}.cjs`;

async function kernelFiles() {
  const { metafile } = await build({
    ...common,
    entryPoints: KERNEL_ROOTS.map((f) => path.join(dist, f)),
    outdir: path.join(bundleDir, 'probe'),
    write: false,
    metafile: true,
    plugins: [versionInline(version)],
  });
  const files = Object.keys(metafile.inputs)
    .map((f) => path.resolve(root, f))
    .filter((f) => f.startsWith(dist + path.sep));
  return new Set(files);
}

rmSync(bundleDir, { recursive: true, force: true });
const kernel = await kernelFiles();
const lazyTargets = new Set();
const undiciParts = new Set();

await build({
  ...common,
  entryPoints: [path.join(dist, 'main.js')],
  outfile: path.join(dist, 'wxpay-cli.cjs'),
  plugins: [
    versionInline(version),
    commanderLazyChildProcess,
    startupLinks(dist, kernel, lazyTargets, bundleName),
    kernelLinks(dist, kernel, './bundle/kernel.cjs'),
    undiciLinks(undiciParts, './bundle/undici.cjs'),
    asRequire,
  ],
});

const table = [...kernel].map((f, i) => `import * as m${i} from ${JSON.stringify(f)};`);
const entries = [...kernel].map((f, i) => `  ${JSON.stringify(distKey(dist, f))}: m${i},`);
await build({
  ...common,
  stdin: { contents: `${table.join('\n')}\nexport const modules = {\n${entries.join('\n')}\n};\n`, resolveDir: dist },
  outfile: path.join(bundleDir, 'kernel.cjs'),
  plugins: [versionInline(version), importMetaUrl(bundleDir)],
});

await build({
  ...common,
  entryPoints: Object.fromEntries([...lazyTargets].map((f) => [bundleName(f).replace(/\.cjs$/, ''), f])),
  outdir: bundleDir,
  outExtension: { '.js': '.cjs' },
  // npm packages stay require()s of node_modules: bundled, each would be copied into every bundle that uses it.
  packages: 'external',
  plugins: [
    versionInline(version),
    kernelLinks(dist, kernel, './kernel.cjs'),
    undiciLinks(undiciParts, './undici.cjs'),
    importMetaUrl(bundleDir),
    asRequire,
  ],
});

// The undici parts the bundles above asked for, each under the path they import it by. Its own requires (undici's
// lib/ files, node: modules) are bundled in; undici has no dependencies of its own. Its MIT licence travels with the
// copy of its code.
const undiciEntries = [...undiciParts].map((p) => `  ${JSON.stringify(p)}: require(${JSON.stringify(p)}),`);
const undiciLicense = readFileSync(path.join(root, 'node_modules', 'undici', 'LICENSE'), 'utf8').replaceAll(
  '*/',
  '* /',
);
await build({
  ...common,
  stdin: { contents: `exports.parts = {\n${undiciEntries.join('\n')}\n};\n`, resolveDir: root, loader: 'js' },
  banner: { js: `/* Bundled from undici (node_modules/undici):\n${undiciLicense}*/` },
  outfile: path.join(bundleDir, 'undici.cjs'),
});

// The loader bin/wxpay runs first (src/code-cache.ts): Node's require loads it, and it loads the bundles above.
await build({ ...common, entryPoints: [path.join(dist, 'code-cache.js')], outfile: path.join(dist, 'code-cache.cjs') });

// Each bundle's first line names its content, so the code cache never serves a stale compile of another build.
for (const file of [path.join(dist, 'wxpay-cli.cjs'), ...readdirSync(bundleDir).map((f) => path.join(bundleDir, f))]) {
  const source = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
  writeFileSync(file, `// wxpay-bundle ${hash}\n${source}`);
}
