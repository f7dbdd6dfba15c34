// The rc file loaders cosmiconfig is given. Discovered files get only the data loaders (JSON, YAML): reading
// a file found on disk must never run code, the way npm treats .npmrc. A parse error names the file, the line,
// the column and the kind of error, and nothing of the content: parsers quote the text around the error (a
// code frame), and an rc file's text may hold a secret someone pasted by mistake.
import path from 'node:path';
import { createRequire } from 'node:module';
import type { defaultLoaders as CosmiconfigLoaders, Loader, Loaders } from 'cosmiconfig';
import { WxpayError } from '../protocol/errors.js';

// The loaders alone, on first use: cosmiconfig's index would also load its synchronous explorer, merging and
// meta-config code, none of which wxpay uses (discovery.ts builds the Explorer directly), and a run that finds no rc
// file needs none of it.
let loaded: typeof CosmiconfigLoaders | undefined;
const defaultLoaders = (): typeof CosmiconfigLoaders =>
  (loaded ??= (
    createRequire(import.meta.url)('cosmiconfig/dist/defaults.js') as { defaultLoaders: typeof CosmiconfigLoaders }
  ).defaultLoaders);

/** The file endings that are code. They load only from a file named with --config or WXPAY_CONFIG. */
export const CODE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts'] as const;

function lineColumn(content: string, index: number): { line: number; column: number } {
  const before = content.slice(0, Math.max(0, Math.min(index, content.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** The text fails only because it stops early (an unterminated string, a missing value at its very end). */
const endsEarly = (text: string): boolean => {
  try {
    JSON.parse(text);
    return false;
  } catch (e) {
    const message = (e as Error).message;
    if (message.startsWith('Unexpected token')) return false;
    const at = /at position (\d+)/.exec(message);
    return !at || Number(at[1]) >= text.length;
  }
};

/**
 * Where JSON.parse failed. V8 names a position for most errors; for "Unexpected token" it quotes the text instead,
 * so the position is found as the end of the longest prefix that only ends early (an rc file is an object,
 * so no prefix of it parses whole before the bad character).
 */
function jsonErrorIndex(content: string, message: string): number {
  const m = /at position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (message.startsWith('Unexpected end of JSON input')) return content.length;
  let lo = 0;
  let hi = content.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (endsEarly(content.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The kind of JSON error, without V8's quote of the text ("Unexpected token 'x', "…" is not valid JSON"). */
function jsonErrorKind(message: string): string {
  if (message.startsWith('Unexpected end of JSON input')) return 'unexpected end of the file';
  if (message.startsWith('Unexpected token') || message.includes('is not valid JSON')) return 'unexpected character';
  // The positioned messages quote only JSON's own punctuation ("Expected ',' or '}' after property value").
  const kind = message.replace(/ in JSON at position \d+.*$/s, '').trim();
  return /^[A-Za-z ,'{}[\]:-]{1,80}$/.test(kind) ? kind : 'syntax error';
}

function syntaxError(file: string, format: string, at: { line: number; column: number }, kind: string): WxpayError {
  return new WxpayError(
    'CONFIG_INVALID',
    `${format} syntax error in ${file} at line ${at.line}, column ${at.column}: ${kind}`,
    {
      hint: `Fix the ${format} at that line (the file's text is not shown, so that no secret in it is printed).`,
      details: { file, line: at.line, column: at.column },
    },
  );
}

const loadJson: Loader = (file, content) => {
  try {
    return JSON.parse(content) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    throw syntaxError(file, 'JSON', lineColumn(content, jsonErrorIndex(content, message)), jsonErrorKind(message));
  }
};

const loadYaml: Loader = async (file, content) => {
  try {
    return (await defaultLoaders()['.yaml'](file, content)) as unknown;
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number } };
    // js-yaml's reason is the kind ("bad indentation of a mapping entry"); quoted names in it are replaced.
    const kind = (err.reason ?? 'syntax error').replace(/"[^"]*"|'[^']*'|<[^>]*>/g, '…');
    const at = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : { line: 0, column: 0 };
    throw syntaxError(file, 'YAML', at, kind);
  }
};

const hasImport = (value: unknown): boolean => !!value && typeof value === 'object' && '$import' in value;

/**
 * cosmiconfig's $import would pull in a file from anywhere, past the ownership check of the one discovered. In a
 * package.json (any package.*) cosmiconfig follows the one inside the "wxpay" section, which it takes out after
 * this loader has run, so look there too.
 */
function noImports(load: Loader): Loader {
  return async (file, content) => {
    const value = (await load(file, content)) as unknown;
    const section =
      path.basename(file, path.extname(file)) === 'package' && value && typeof value === 'object'
        ? (value as Record<string, unknown>).wxpay
        : undefined;
    if (hasImport(value) || hasImport(section)) {
      throw new WxpayError('CONFIG_INVALID', `${file} uses "$import", which wxpay does not follow`, {
        hint: 'Put the profile in one file, or name each file with --config.',
      });
    }
    return value;
  };
}

const refuseCode: Loader = (file) => {
  throw new WxpayError('CONFIG_UNSAFE', `${file} is code, and wxpay runs no code it finds on disk`, {
    hint: `Name it explicitly with --config ${file} (or WXPAY_CONFIG) if you trust it, or use a .json / .yaml rc file.`,
  });
};

/** Loaders for discovered files: data only. Every code extension is mapped to a refusal, so none falls through. */
export const DATA_LOADERS: Loaders = {
  '.json': noImports(loadJson),
  '.yaml': noImports(loadYaml),
  '.yml': noImports(loadYaml),
  noExt: noImports(loadYaml),
  ...Object.fromEntries(CODE_EXTENSIONS.map((ext) => [ext, refuseCode])),
};

/** Loaders for a file the user named: data, plus JavaScript/TypeScript, whose errors are cut to one line. */
export const NAMED_LOADERS: Loaders = {
  ...DATA_LOADERS,
  ...Object.fromEntries(CODE_EXTENSIONS.map((ext) => [ext, codeLoader(ext)])),
};

function codeLoader(ext: (typeof CODE_EXTENSIONS)[number]): Loader {
  return async (file, content) => {
    try {
      return (await defaultLoaders()[ext](file, content)) as unknown;
    } catch (e) {
      // cosmiconfig prefixes "TypeScript Error in <file>:\n"; the first line after it is the kind.
      const err = e as Partial<Error>; // whatever the file threw, maybe not an Error
      const first = (err.message ?? '')
        .replace(/^\w+ Error in [^\n]*\n/, '')
        .split('\n')[0]!
        .slice(0, 200);
      throw new WxpayError('CONFIG_INVALID', `Cannot load ${file}: ${err.name ?? 'Error'}: ${first}`, {
        hint: 'Run it with node to see the full error; its source is not shown here.',
      });
    }
  };
}
