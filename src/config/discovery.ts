// Finding the rc file. cosmiconfig does the reading: search places in order, package.json#wxpay, empty files.
// wxpay decides where it looks and what may load, so that nothing found on disk runs code or comes from a
// folder someone else controls:
// - a named file (--config / WXPAY_CONFIG) is trusted and may be JavaScript or TypeScript;
// - the search reads JSON and YAML only, from cwd up to home (never above it), then the user-level
//   $XDG_CONFIG_HOME/wxpay/config.{json,yaml}; what it finds must pass config-safety.ts.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { CosmiconfigResult, Loaders } from 'cosmiconfig';
import { CODE_EXTENSIONS, DATA_LOADERS, NAMED_LOADERS } from './loaders.js';
import { assertPlainCandidates, assertSafeConfigFile, currentUid, searchFolders } from './safety.js';
import { WxpayError } from '../protocol/errors.js';

/** Searched in every folder from cwd up to home, in this order. Data formats only. */
export const SEARCH_PLACES = ['package.json', '.wxpayrc', '.wxpayrc.json', '.wxpayrc.yaml', '.wxpayrc.yml'];
/** Searched last, in $XDG_CONFIG_HOME/wxpay (default ~/.config/wxpay). */
export const USER_PLACES = ['config.json', 'config.yaml'];

export interface FoundConfig {
  filepath: string;
  config: unknown;
  /** Named with --config or WXPAY_CONFIG (trusted), rather than discovered. */
  explicit: boolean;
}

export interface FindConfigInput {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  configFile?: string;
  /** false: refuse a named JavaScript/TypeScript rc too (`config profiles`, which shell completion runs). */
  allowCode?: boolean;
  /** The current user, for the ownership check; default: the process's user. */
  uid?: number;
}

interface Explorer {
  search(from: string): Promise<CosmiconfigResult>;
  load(file: string): Promise<CosmiconfigResult>;
}

// cosmiconfig() first reads "meta config" from the process's cwd (package.json#cosmiconfig, .config/config.js):
// it would run .config/config.js from any folder wxpay is started in, and let a folder add search places. The
// Explorer class underneath does only the search asked for, so wxpay builds it directly.
// Required on first use: a run that finds no rc file (settings from WXPAY_* alone) loads no cosmiconfig code.
let ExplorerClass: (new (options: object) => Explorer) | undefined;

function explorer(searchPlaces: string[], loaders: Loaders): Explorer {
  ExplorerClass ??= (
    createRequire(import.meta.url)('cosmiconfig/dist/Explorer.js') as { Explorer: new (options: object) => Explorer }
  ).Explorer;
  return new ExplorerClass({
    moduleName: 'wxpay',
    packageProp: 'wxpay',
    searchPlaces,
    loaders,
    searchStrategy: 'none',
    ignoreEmptySearchPlaces: true,
    cache: false,
    transform: (r: CosmiconfigResult) => r,
    metaConfigFilePath: null,
    mergeImportArrays: true,
    mergeSearchPlaces: false,
  });
}

// Only the errno code: a parser's message would quote the file's text.
const unreadable = (where: string, cause: unknown): WxpayError =>
  new WxpayError(
    'CONFIG_INVALID',
    `Cannot read the rc file ${where}: ${(cause as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    {
      hint: "Check the file's permissions.",
    },
  );

const isCode = (file: string): boolean => (CODE_EXTENSIONS as readonly string[]).includes(path.extname(file));

async function loadNamed(input: FindConfigInput, named: string): Promise<FoundConfig> {
  const by = input.configFile ? '--config' : 'WXPAY_CONFIG';
  const file = path.resolve(input.cwd, named);
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch (cause) {
    throw new WxpayError(
      'CONFIG_NOT_FOUND',
      `Cannot read config ${named}: ${(cause as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        hint: `Check the ${by} path.`,
      },
    );
  }
  if (isDir) {
    throw new WxpayError('CONFIG_INVALID', `${by} ${named} is a folder, not a file`, {
      hint: `Name the rc file itself, e.g. ${by === '--config' ? '--config ' : 'WXPAY_CONFIG='}${path.join(named, '.wxpayrc.json')}.`,
    });
  }
  if (input.allowCode === false && isCode(file)) {
    throw new WxpayError('CONFIG_UNSAFE', `${file} is JavaScript; this command reads JSON and YAML rc files only`, {
      hint: 'Profile names (and shell completion) never run code. `wxpay config show --config <file>` loads it.',
    });
  }
  const res = await explorer([], input.allowCode === false ? DATA_LOADERS : NAMED_LOADERS)
    .load(file)
    .catch((cause: unknown) => {
      throw cause instanceof WxpayError ? cause : unreadable(file, cause);
    });
  if (!res)
    throw new WxpayError('CONFIG_INVALID', `Config file ${named} is empty`, {
      hint: 'Put {"profiles": {...}} or a flat profile in it.',
    });
  return { filepath: res.filepath, config: res.config, explicit: true };
}

/** The user-level folder: $XDG_CONFIG_HOME/wxpay, else <home>/.config/wxpay. */
export function userConfigDir(env: FindConfigInput['env'], home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.config'), 'wxpay');
}

async function searchAt(dir: string, places: string[]): Promise<CosmiconfigResult> {
  if (!(await assertPlainCandidates(dir, places))) return null; // no candidate here: nothing for cosmiconfig to read
  try {
    return await explorer(places, DATA_LOADERS).search(dir);
  } catch (cause) {
    throw cause instanceof WxpayError ? cause : unreadable(dir, cause);
  }
}

export async function findConfigFile(input: FindConfigInput): Promise<FoundConfig | undefined> {
  const named = input.configFile ?? (input.env.WXPAY_CONFIG || undefined);
  if (named) return loadNamed(input, named);
  const home = input.env.HOME || os.homedir();
  const where: Array<[string, string[]]> = [
    ...searchFolders(input.cwd, home).map((d): [string, string[]] => [d, SEARCH_PLACES]),
    [userConfigDir(input.env, home), USER_PLACES],
  ];
  for (const [dir, places] of where) {
    const res = await searchAt(dir, places);
    if (!res || res.isEmpty) continue;
    await assertSafeConfigFile(res.filepath, input.uid ?? currentUid());
    return { filepath: res.filepath, config: res.config, explicit: false };
  }
  return undefined;
}
