// Starts and stops a throwaway PostgreSQL server: Debian's server binaries (/usr/lib/postgresql/<v>/bin, or
// initdb/pg_ctl on PATH), a data folder in a fresh temp folder, trust auth for the user `wxpay`, listening on
// 127.0.0.1 on a free port, fsync off (a test server need not survive a power cut). PostgreSQL refuses to run as
// root, so when the suite runs as root the folder is given to the `postgres` user and the tools run through
// `runuser -u postgres`. test/helpers/postgres.ts shares one such server among all the files of a run.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeTemp } from './scan-written-files.js';

const run = promisify(execFile);

/** A running server: its folder (data, socket, log) and port. */
export interface PgInstance {
  dir: string;
  port: number;
}

/** What the worker that started the run's server published, for the others and the global teardown. */
export type Shared = { server: PgInstance } | { error: string };

/** Where the run's server is described once started: `<folder>/server.json` (the folder is the run's claim). */
export const sharedServerFile = (folder: string): string => path.join(folder, 'server.json');

function findBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    if (dir && existsSync(path.join(dir, 'pg_ctl')) && existsSync(path.join(dir, 'initdb'))) return dir;
  return undefined;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' })));
    return { uid: uid!, gid: gid! };
  } catch {
    return undefined;
  }
}

const asRoot = process.getuid?.() === 0;

/** Why no server can be started here, or undefined when one can. */
export function pgSkipReason(): string | undefined {
  if (!findBin()) return 'no PostgreSQL server binaries (apt-get install postgresql, or put initdb/pg_ctl on PATH)';
  if (asRoot && !postgresUser()) return 'running as root and there is no `postgres` user to run the server as';
  return undefined;
}

/** The command line of one of the server's tools, run as `postgres` when the suite is root. */
function command(name: string, args: string[]): [string, string[]] {
  const bin = findBin();
  if (!bin) throw new Error(`cannot start PostgreSQL: ${pgSkipReason() ?? 'no binaries'}`);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]] : [path.join(bin, name), args];
}
const tool = (name: string, args: string[]) => run(...command(name, args));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function launchPostgres(): Promise<PgInstance> {
  const reason = pgSkipReason();
  if (reason) throw new Error(`cannot start PostgreSQL: ${reason}`);
  // As root the server runs as `postgres`, which cannot enter the suite's own 0700 temp root: /tmp it is.
  const dir = mkdtempSync(path.join(asRoot ? '/tmp' : os.tmpdir(), 'wxpay-pg-'));
  const user = asRoot ? postgresUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'wxpay', '--no-sync', '-E', 'UTF8']);
  // Every PostgreSQL file of the run shares this server, up to three at a time, fleets of listeners included.
  const common = `-k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await tool('pg_ctl', ['-D', data, '-o', `-p ${port} ${common}`, '-l', path.join(dir, 'log'), '-w', 'start']);
      return { dir, port };
    } catch (err) {
      if (attempt === 3) throw err; // another process took the port between the probe and the start
    }
  }
}

/** The global teardown's part: stops the run's server at once (nothing in it needs to survive) if a test started
 *  one, and removes its folder. Synchronous, as the rest of the teardown is. */
export function stopSharedPostgres(folder: string, artifactsDir: string): void {
  const file = sharedServerFile(folder);
  if (!existsSync(file)) return;
  const shared = JSON.parse(readFileSync(file, 'utf8')) as Shared;
  if (!('server' in shared)) return;
  const [cmd, args] = command('pg_ctl', ['-D', path.join(shared.server.dir, 'data'), '-m', 'immediate', 'stop']);
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone: nothing to stop
  }
  removeTemp(shared.server.dir, artifactsDir);
}
