// Reads a flow file for `fixtures run`: at most LIMITS.fileBytes, parsed by the same data-only JSON and YAML loaders
// as rc files (js-yaml's safe schema: no code, no custom tags), then overridden and checked (src/fixtures/schema.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DATA_LOADERS } from '../config/loaders.js';
import { isWxpayError, usageError, WxpayError } from '../protocol/errors.js';
import { LIMITS, type Flow } from '../fixtures/flow.js';
import { applyOverrides, parseOverride } from '../fixtures/overrides.js';
import { parseFlow } from '../fixtures/schema.js';
import type { Runtime } from '../runtime.js';
import { readInput } from './shared.js';

const EXTENSIONS = ['.json', '.yaml', '.yml'] as const;

async function parseText(file: string, text: string): Promise<unknown> {
  const ext = path.extname(file).toLowerCase() as (typeof EXTENSIONS)[number];
  const load = DATA_LOADERS[ext];
  if (!EXTENSIONS.includes(ext) || !load)
    throw usageError(`The flow ${file} is not .json, .yaml or .yml`, 'Name the flow file by its format.');
  try {
    return (await load(file, text)) as unknown;
  } catch (e) {
    // The loaders' syntax errors name the line and column, never the text; a flow is a usage error, not config.
    if (!isWxpayError(e)) throw e;
    throw new WxpayError('FIXTURE_INVALID', e.message, { hint: e.hint, cause: e });
  }
}

export async function loadFlow(rt: Runtime, file: string, overrides: readonly string[] = []): Promise<Flow> {
  const full = path.resolve(rt.cwd, file);
  const size = await stat(full).then(
    (st) => st.size,
    () => 0, // readInput below names a missing file
  );
  if (size > LIMITS.fileBytes)
    throw usageError(`The flow ${file} is ${size} bytes, over ${LIMITS.fileBytes}`, 'Split it into smaller flows.');
  const text = (await readInput(rt, full, 'flow')).toString('utf8');
  const raw = await parseText(file, text);
  applyOverrides(raw, overrides.map(parseOverride));
  return parseFlow(raw, file);
}
