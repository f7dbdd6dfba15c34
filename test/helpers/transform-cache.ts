// Vitest's on-disk transform cache (vitest.config.ts, `experimental.fsModuleCache`) writes one file per transformed
// module version and never removes one: every edit of a source or test file adds an entry, and every edit of the
// vitest config a whole new set. This clone's node_modules/.experimental-vitest-cache reached 325 MB and 19,000
// files in under a day of work. At the end of each run:
// - the entries neither read nor written for a few days go. "Read" is the access time: Linux's default `relatime`
//   moves it forward at most once a day when a file is read, so an entry the runs still read stays; where access
//   times are not kept (`noatime`), an old entry still in use goes, and the next run transforms that module again;
// - past a size cap, the entries this run did not write go, least recently used first, down to half the cap. Under
//   `relatime` an entry read today looks like one written earlier today, so this may drop a few the next run then
//   transforms again: a cost paid once per cap's worth of churn, instead of a folder that grows without end.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const TRANSFORM_CACHE_DIR = path.join('node_modules', '.experimental-vitest-cache');

const DAY_MS = 24 * 60 * 60 * 1000;
/** Older than the `relatime` day plus slack: a run every day or two keeps its entries. */
export const KEEP_UNUSED_DAYS = 3;
/** A full run's own entries take ~13 MB (868 files after a vitest config edit made them all new). */
export const MAX_BYTES = 512 * 2 ** 20;

// The cache names each entry by a hexadecimal hash; nothing else in the folder is touched.
const ENTRY = /^[0-9a-f]{32,64}$/;

export interface Pruned {
  files: number;
  bytes: number;
}

interface Entry {
  file: string;
  size: number;
  written: number;
  used: number;
}

function entriesOf(dir: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (!ENTRY.test(name)) return [];
    try {
      const st = statSync(path.join(dir, name));
      const used = Math.max(st.atimeMs, st.mtimeMs);
      return st.isFile() ? [{ file: path.join(dir, name), size: st.size, written: st.mtimeMs, used }] : [];
    } catch {
      return [];
    }
  });
}

/** Removes, from the cache in `dir`, the entries unused for `keepDays`, then, while the rest is over `maxBytes`, the
 *  least recently used of those written before `runStart`, down to half of it. A missing folder is no work. */
export function pruneTransformCache(
  dir: string,
  opts: { now?: number; runStart?: number; keepDays?: number; maxBytes?: number } = {},
): Pruned {
  const { now = Date.now(), keepDays = KEEP_UNUSED_DAYS, maxBytes = MAX_BYTES } = opts;
  const runStart = opts.runStart ?? now;
  const pruned: Pruned = { files: 0, bytes: 0 };
  const remove = (e: Entry) => {
    try {
      rmSync(e.file);
      pruned.files++;
      pruned.bytes += e.size;
    } catch {
      // Gone already, or not ours to remove: the cache is an optimisation, never a reason to fail the run.
    }
  };
  const cutoff = now - keepDays * DAY_MS;
  const kept: Entry[] = [];
  for (const e of entriesOf(dir)) {
    if (e.used < cutoff) remove(e);
    else kept.push(e);
  }
  let total = kept.reduce((sum, e) => sum + e.size, 0);
  if (total <= maxBytes) return pruned;
  for (const e of kept.filter((k) => k.written < runStart).sort((a, b) => a.used - b.used)) {
    if (total <= maxBytes / 2) break;
    remove(e);
    total -= e.size;
  }
  return pruned;
}
