// The CLI's bundles (scripts/bundle-cli.mjs) loaded with a V8 code cache, so a start reads compiled code from disk
// instead of parsing and compiling the bundles again: Node's own compile cache (module.enableCompileCache) is
// Node >= 22.1 only, and keeps its files in the shared temporary folder by default. bin/wxpay runs this file
// (bundled to dist/code-cache.cjs) first; of wxpay's own it imports only quick-help (the cached top-level help).
//
// The cache is code that will run, so it lives only where no one else can write: the user's cache folder
// ($XDG_CACHE_HOME, else ~/.cache; ~/Library/Caches on macOS), in a wxpay/code-cache folder that must be the user's
// own with mode 0700, never the working folder. A file is used only when it is a regular file of the user's that no
// one else can write; anything else, or any error, and the bundle simply compiles as it would without a cache.
// V8 refuses data of another V8 version, other flags or source length; a file is named by the bundle's content hash
// (on its first line), V8's version and the run's flag set (v8-flags.ts). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { closeSync, constants as fsConstants, fstatSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { helpFileName, helpRequest, printHelp } from './quick-help.js';
import { setCliV8Flags } from './v8-flags.js';

export interface CacheEnv {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  /** The current user; undefined (Windows) turns the cache off: its safety rests on POSIX owners and modes. */
  uid: number | undefined;
}

/** How a bundle was loaded: from the cache, compiled (and cached at exit), or without a cache. */
export type CacheUse = 'hit' | 'miss' | 'rejected' | 'off';

/** wxpay's code-cache folder, made 0700 if missing; undefined when it is not safely the user's alone. */
export function cacheDir({ env, platform, uid }: CacheEnv): string | undefined {
  if (uid === undefined || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const home = env.HOME || os.homedir();
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, platform === 'darwin' ? 'Library/Caches' : '.cache');
  const top = path.join(base, 'wxpay');
  const dir = path.join(top, 'code-cache');
  const usable = () => ([top, dir].every((d) => ownPrivateDir(d, uid)) ? dir : undefined);
  try {
    return usable(); // the usual case: two lstat calls
  } catch {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return usable();
    } catch {
      return undefined;
    }
  }
}

function ownPrivateDir(dir: string, uid: number): boolean {
  const st = lstatSync(dir);
  return st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0;
}

/** A bundle's content hash, from its first line (scripts/bundle-cli.mjs writes it), or none when it is missing. */
const hashOf = (source: string): string | undefined => /^\/\/ wxpay-bundle ([0-9a-f]{16,64})\n/.exec(source)?.[1];

/** A bundle's cache file (see the top of this file), or none when the bundle has no hash. */
function cacheFileOf(dir: string, file: string, source: string, flags: string): string | undefined {
  const hash = hashOf(source);
  return hash && path.join(dir, [path.basename(file, '.cjs'), hash, process.versions.v8, flags, 'bin'].join('.'));
}

/** The content hash of a bundle, reading only its first line. */
function hashOfFile(file: string): string | undefined {
  const head = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    return hashOf(head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('latin1'));
  } finally {
    closeSync(fd);
  }
}

/** The cached data, if the file is a regular file of the user's that no one else may write. */
function readCache(file: string, uid: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    const st = fstatSync(fd);
    return st.isFile() && st.uid === uid && (st.mode & 0o022) === 0 ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Written whole under a temporary name, then renamed: a reader never sees half a file. */
function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** A bundle's require(): another bundle (a relative .cjs path) through `load`, anything else through Node's. */
function requireFrom(file: string, load: (file: string) => unknown): NodeJS.Require {
  const base = createRequire(file);
  const req = (id: string): unknown =>
    id.startsWith('.') && id.endsWith('.cjs') ? load(path.resolve(path.dirname(file), id)) : (base(id) as unknown);
  return Object.assign(req, { resolve: base.resolve, cache: base.cache, main: base.main }) as NodeJS.Require;
}

type Wrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, f: string, d: string) => void;

/**
 * A loader for the bundles in one folder tree: `load(file)` runs a bundle once (later calls return its exports), and
 * a bundle's require() of another .cjs file by relative path loads it the same way; everything else (npm packages,
 * node: modules) goes to Node's require. `uses` records how each bundle was loaded.
 */
export function bundleLoader(dir: string | undefined, uid: number | undefined, flags: string) {
  const modules = new Map<string, { exports: unknown }>();
  const uses = new Map<string, CacheUse>();
  const toWrite: Array<[string, vm.Script]> = [];
  const load = (file: string): unknown => {
    const known = modules.get(file);
    if (known) return known.exports;
    const source = readFileSync(file, 'utf8');
    const cacheFile = dir === undefined || uid === undefined ? undefined : cacheFileOf(dir, file, source, flags);
    const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile, uid!);
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    const script = new vm.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    const use: CacheUse = !cacheFile ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
    uses.set(file, use);
    if (cacheFile && use !== 'hit') toWrite.push([cacheFile, script]);
    const module = { exports: {} as unknown };
    modules.set(file, module);
    (script.runInThisContext() as Wrapper)(module.exports, requireFrom(file, load), module, file, path.dirname(file));
    return module.exports;
  };
  let frozen = false;
  /** Caches what was compiled in this run: called at exit, when the code the run needed has been compiled too. */
  const save = (): void => {
    if (frozen) return;
    for (const [file, script] of toWrite.splice(0)) writeCache(file, script.createCachedData());
  };
  /** Saves now and never again: V8 stamps cached code with the flags in force and refuses it under other flags, so
   *  after a command changes V8's flags (http/lean-download.ts) nothing more may be written. */
  const freeze = (): void => {
    save();
    frozen = true;
  };
  return { load, save, freeze, uses };
}

/** What the start-up bundle (src/main.ts) exports for the loader. */
interface CliExports {
  programHelp?: (width: number | undefined, colors: boolean) => string;
}

/** The cache file of this run's top-level help (src/quick-help.ts), when the run asks for that help and nothing else. */
function helpFileFor(dir: string | undefined, entry: string, args: readonly string[]) {
  const request = dir === undefined ? undefined : helpRequest(args, process.env);
  const hash = request && hashOfFile(entry);
  return request && hash ? { request, file: path.join(dir!, helpFileName(hash, request)) } : undefined;
}

/** Rendered again exactly as commander just printed it (cli.ts programHelp), for the next run to print. */
function saveHelp(file: string, render: () => string): void {
  try {
    writeCache(file, Buffer.from(render()));
  } catch {
    // no cached help: the next run renders it with commander again
  }
}

/**
 * bin/wxpay's start: loads `entry` (the start-up bundle) through the cache, saved when the process exits; `args` is
 * argv after the script. Like main.ts, a process boundary: it reads the environment and the user id, before main.ts
 * runs. The top-level help is printed from the cache when it is there, and cached after commander printed it.
 */
export function boot(entry: string, args: readonly string[]): void {
  const uid = process.getuid?.();
  const dir = cacheDir({ env: process.env, platform: process.platform, uid });
  const help = helpFileFor(dir, entry, args);
  const text = help && readCache(help.file, uid!);
  if (help && text && printHelp(text.toString('utf8'), help.request)) return;
  // Before any bundle is compiled (V8 refuses cached code compiled under other flags): own cache files per flag set.
  const loader = bundleLoader(dir, uid, setCliV8Flags(args));
  // The hook a command calls before it changes V8's flags (http/lean-download.ts names the same symbol: the
  // loader is bundled apart from the commands and shares no module with them).
  (globalThis as Record<symbol, unknown>)[Symbol.for('wxpay.beforeV8FlagsChange')] = loader.freeze;
  const loaded: { cli?: CliExports } = {};
  process.once('exit', (code) => {
    loader.save();
    if (help && code === 0 && loaded.cli?.programHelp)
      saveHelp(help.file, () => loaded.cli!.programHelp!(help.request.width, help.request.colors));
  });
  loaded.cli = loader.load(entry) as CliExports;
}
