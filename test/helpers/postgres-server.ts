// The run's throwaway PostgreSQL server for the tests: started by postgres-launch.mjs (shared with the benchmarks)
// with fsync off (a test server need not survive a power cut); test/helpers/postgres.ts shares one such server among
// all the files of a run, and the global teardown stops it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { launchPostgres as launch, pgSkipReason, stopPostgres, type PgInstance } from './postgres-launch.mjs';
import { removeTemp } from './scan-written-files.js';

export { pgSkipReason, stopPostgres, type PgInstance };

/** What the worker that started the run's server published, for the others and the global teardown. */
export type Shared = { server: PgInstance } | { error: string };

/** Where the run's server is described once started: `<folder>/server.json` (the folder is the run's claim). */
export const sharedServerFile = (folder: string): string => path.join(folder, 'server.json');

/** Every PostgreSQL file of the run shares this server, up to three at a time, fleets of listeners included. Its
 *  folder goes in `parent` when given (the run's memory file system: test/helpers/temp-base.ts). */
export const launchPostgres = (parent?: string): Promise<PgInstance> =>
  launch(['fsync=off', 'max_connections=300'], parent);

/** The global teardown's part: stops the run's server at once (nothing in it needs to survive) if a test started
 *  one, and removes its folder. Synchronous, as the rest of the teardown is. */
export function stopSharedPostgres(folder: string, artifactsDir: string): void {
  const file = sharedServerFile(folder);
  if (!existsSync(file)) return;
  const shared = JSON.parse(readFileSync(file, 'utf8')) as Shared;
  if (!('server' in shared)) return;
  stopPostgres(shared.server.dir);
  removeTemp(shared.server.dir, artifactsDir);
}
