// esbuild plugins for scripts/bundle-cli.mjs. Each rewrites one thing on the way from tsc's ES modules in dist/ to
// the CLI's CommonJS bundles; why each exists is said where it is.
import path from 'node:path';
import { readFileSync } from 'node:fs';

/** A dist file's key in the kernel's `modules` table: its path under dist/, with forward slashes. */
export const distKey = (dist, file) => path.relative(dist, file).split(path.sep).join('/');

/** src/version.ts reads package.json at run time; a bundle carries the value read at build time instead. */
export const versionInline = (version) => ({
  name: 'version-inline',
  setup(b) {
    b.onResolve({ filter: /\/version\.js$/ }, () => ({ path: 'version', namespace: 'wxpay-version' }));
    b.onLoad({ filter: /.*/, namespace: 'wxpay-version' }, () => ({
      contents: `export const VERSION = ${JSON.stringify(version)};`,
      loader: 'js',
    }));
  },
});

/**
 * commander requires node:child_process at load time for executable sub-commands, which wxpay never declares; that
 * require pulls in net, stream and dgram (~5 ms of every start). Deferred to first use.
 */
export const commanderLazyChildProcess = {
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
};

/**
 * `import.meta.url` has no meaning in CommonJS. A module that reads it (createRequire for cosmiconfig, the store's
 * migrations folder) gets the URL of the file tsc emitted, which stays in dist/ beside its neighbours, so
 * everything it resolves from there is found where it was before bundling.
 */
export const importMetaUrl = (bundleDir) => ({
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = path.relative(bundleDir, args.path).split(path.sep).join('/');
      const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
});

/**
 * The kernel (dist/bundle/kernel.cjs) holds the modules the start-up path and every command share: the error
 * class, the reporter and what they import. A bundle that imports one of them gets the kernel's instance instead
 * of a copy of its own, so `instanceof WxpayError` holds across bundles and no module exists twice in a process.
 * `kernelPath` is the kernel's path from the bundle being built.
 */
export const kernelLinks = (dist, kernelFiles, kernelPath) => ({
  name: 'kernel-links',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.namespace === 'wxpay-kernel') return { path: kernelPath, external: true };
      const file = path.resolve(args.resolveDir, args.path);
      return kernelFiles.has(file) ? { path: distKey(dist, file), namespace: 'wxpay-kernel' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'wxpay-kernel' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(kernelPath)}).modules[${JSON.stringify(args.path)}];`,
      loader: 'js',
      resolveDir: dist,
    }));
  },
});

/**
 * Modules routed to the 'wxpay-require' namespace are loaded with a plain require() of their path, left external:
 * an external import() would stay import() in the bundle and start the ES module loader (and needs a loader hook
 * when the bundle is run from a code cache, bin/wxpay). A dynamic import() of an npm package goes the same way.
 */
export const asRequire = {
  name: 'as-require',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === 'dynamic-import' && !args.path.startsWith('node:')
        ? { path: args.path, namespace: 'wxpay-require' }
        : undefined,
    );
    b.onResolve({ filter: /.*/, namespace: 'wxpay-require' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'wxpay-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * The start-up bundle's import()s: kernel modules come from the kernel, and every other target becomes a bundle of
 * its own, required when its command runs (through asRequire). `lazyTargets` collects them for the next build.
 */
export const startupLinks = (dist, kernelFiles, lazyTargets, bundleName) => ({
  name: 'startup-links',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const file = path.resolve(args.resolveDir, args.path);
      if (kernelFiles.has(file)) return undefined; // kernelLinks, next in the list, answers
      lazyTargets.add(file);
      return { path: `./bundle/${bundleName(file)}`, namespace: 'wxpay-require' };
    });
  },
});

/**
 * undici's files that src/http/undici-lean.ts imports become one bundle of their own, dist/bundle/undici.cjs, loaded
 * with the code cache like the others: required from node_modules, undici's ~60 files were each resolved, read and
 * compiled at every API command's start. One bundle, not a copy in each command's, so a process that loads two
 * bundles still has one undici (one global dispatcher, one set of classes). `parts` collects the files asked for, for
 * the build of undici.cjs that follows; `undiciPath` is that bundle's path from the bundle being built.
 */
export const undiciLinks = (parts, undiciPath) => ({
  name: 'undici-links',
  setup(b) {
    b.onResolve({ filter: /^undici\/lib\// }, (args) => {
      parts.add(args.path);
      return { path: args.path, namespace: 'wxpay-undici' };
    });
    b.onResolve({ filter: /.*/, namespace: 'wxpay-undici' }, () => ({ path: undiciPath, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'wxpay-undici' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(undiciPath)}).parts[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
});
