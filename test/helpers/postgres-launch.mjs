// Starting and stopping a throwaway PostgreSQL server, in plain JavaScript so that both the test harness
// (postgres-server.ts) and the benchmarks (bench/webhook-pg.mjs) run the same code. Debian's server binaries
// (/usr/lib/postgresql/<v>/bin, or initdb/pg_ctl on PATH), a data folder in a fresh temp folder, trust auth for the
// user `wxpay`, listening on 127.0.0.1 on a free port. PostgreSQL refuses to run as root, so as root the folder is
// given to the `postgres` user and the tools run through `runuser -u postgres`. Removing the folder is the caller's.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest server's bin folder, or undefined. */
export function findPgBin() {
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

// Asked by every file that describes PostgreSQL tests (pgSkipReason): two `id` processes, once per process.
let postgresIds;
function postgresUser() {
  if (postgresIds === undefined) postgresIds = lookUpPostgresUser() ?? null;
  return postgresIds ?? undefined;
}

function lookUpPostgresUser() {
  try {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' })));
    return { uid, gid };
  } catch {
    return undefined;
  }
}

const asRoot = process.getuid?.() === 0;

/** Why no server can be started here, or undefined when one can. */
export function pgSkipReason() {
  if (!findPgBin()) return 'no PostgreSQL server binaries (apt-get install postgresql, or put initdb/pg_ctl on PATH)';
  if (asRoot && !postgresUser()) return 'running as root and there is no `postgres` user to run the server as';
  return undefined;
}

/** The command line of one of the server's tools (pg_ctl, pgbench, …), run as `postgres` when we are root. */
export function pgCommand(name, args) {
  const bin = findPgBin();
  if (!bin) throw new Error(`cannot start PostgreSQL: ${pgSkipReason() ?? 'no binaries'}`);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]] : [path.join(bin, name), args];
}
const tool = (name, args) => run(...pgCommand(name, args));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server; `settings` are extra `-c name=value` settings (the tests turn fsync off, the benchmark not).
 *  Its folder goes in `parent`: by default os.tmpdir(), or /tmp as root, since the server then runs as `postgres`,
 *  which cannot enter the suite's own 0700 temp root. */
export async function launchPostgres(settings = [], parent = asRoot ? '/tmp' : os.tmpdir()) {
  const reason = pgSkipReason();
  if (reason) throw new Error(`cannot start PostgreSQL: ${reason}`);
  const dir = mkdtempSync(path.join(parent, 'wxpay-pg-'));
  const user = asRoot ? postgresUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'wxpay', '--no-sync', '-E', 'UTF8']);
  const common = [`-k ${dir} -c listen_addresses=127.0.0.1`, ...settings.map((s) => `-c ${s}`)].join(' ');
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

/** Stops the server in `dir` at once (immediate shutdown: nothing in a throwaway server needs to survive). */
export function stopPostgres(dir) {
  const [cmd, args] = pgCommand('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone: nothing to stop
  }
}
