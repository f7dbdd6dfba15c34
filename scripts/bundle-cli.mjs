#!/usr/bin/env node
// Bundles the CLI's start-up path (main, the command declarations and commander) into one CommonJS file,
// dist/wxpay-cli.cjs, so `wxpay --help` reads and compiles one module and never starts the ES module loader
// (bench/cold-start.mjs: about 1.4x `node -e 0` instead of 1.8x). Command modules stay the separate ES modules
// tsc emitted, loaded lazily with import(); only their paths are rewritten for the bundle's location.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(root, process.env.WXPAY_BUNDLE_DIST ?? 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const outfile = process.argv[2] ?? path.join(dist, 'wxpay-cli.cjs');

await build({
  entryPoints: [path.join(dist, 'main.js')],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Smaller source parses faster at every start; names are kept so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [
    {
      // commander requires node:child_process at load time for executable sub-commands, which wxpay never
      // declares; that require pulls in net, stream and dgram (~5 ms of every start). Deferred to first use.
      name: 'commander-lazy-child-process',
      setup(b) {
        b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
          const eager = "const childProcess = require('node:child_process');";
          const source = readFileSync(args.path, 'utf8');
          if (!source.includes(eager)) throw new Error(`${args.path}: no "${eager}" to defer (commander changed?)`);
          const deferred = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
          return { contents: source.replace(eager, deferred), loader: 'js' };
        });
      },
    },
    {
      // src/version.ts reads package.json at run time; the bundle carries the value read now instead.
      name: 'version-inline',
      setup(b) {
        b.onResolve({ filter: /\/version\.js$/ }, () => ({ path: 'version', namespace: 'wxpay-version' }));
        b.onLoad({ filter: /.*/, namespace: 'wxpay-version' }, () => ({
          contents: `export const VERSION = ${JSON.stringify(pkg.version)};`,
          loader: 'js',
        }));
      },
    },
    {
      name: 'lazy-modules-stay-external',
      setup(b) {
        // Everything reached through import() stays a separate module, resolved relative to the bundle. The one
        // exception is main.js's import of cli.js (dynamic only so the compile cache is on first): bundled.
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          if (args.kind !== 'dynamic-import' || args.path === './cli.js') return undefined;
          let rel = path
            .relative(path.dirname(outfile), path.resolve(args.resolveDir, args.path))
            .split(path.sep)
            .join('/');
          if (!rel.startsWith('.')) rel = `./${rel}`;
          return { path: rel, external: true };
        });
      },
    },
  ],
});
