// Vitest's on-disk transform cache (vitest.config.ts, `experimental.fsModuleCache`) writes one file per transformed
// module version and never removes one: every edit of a source or test file adds an entry, and a busy week of work
// left 325 MB and 19,000 files in node_modules/.experimental-vitest-cache. At the end of each run the entries not
// used for a few days go. "Used" is the later of the file's access and change times: Linux's default `relatime`
// still moves the access time forward once a day when a file is read, so an entry a run reads stays; where access
// times are not kept (`noatime`), an old entry in use is removed and written again by the next run, a cold
// transform of that one module.
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export const TRANSFORM_CACHE_DIR = path.join('node_modules', '.experimental-vitest-cache');

const DAY_MS = 24 * 60 * 60 * 1000;
/** Older than the `relatime` day plus slack: a run every day or two keeps its entries. */
export const KEEP_UNUSED_DAYS = 3;

// The cache names each entry by a hexadecimal hash; nothing else in the folder is touched.
const ENTRY = /^[0-9a-f]{32,64}$/;

export interface Pruned {
  files: number;
  bytes: number;
}

/** Removes the cache entries in `dir` last read or written more than `keepDays` ago; a missing folder is no work. */
export function pruneTransformCache(dir: string, now = Date.now(), keepDays = KEEP_UNUSED_DAYS): Pruned {
  const pruned: Pruned = { files: 0, bytes: 0 };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return pruned;
  }
  const cutoff = now - keepDays * DAY_MS;
  for (const name of names) {
    if (!ENTRY.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const st = statSync(file);
      if (!st.isFile() || Math.max(st.atimeMs, st.mtimeMs) >= cutoff) continue;
      rmSync(file);
      pruned.files++;
      pruned.bytes += st.size;
    } catch {
      // Gone already, or not ours to remove: the cache is an optimisation, never a reason to fail the run.
    }
  }
  return pruned;
}
