// A throwaway PostgreSQL server for the store tests: Debian's server binaries (/usr/lib/postgresql/<v>/bin, or
// initdb/pg_ctl on PATH), a data folder in a fresh temp folder, trust auth for the user `wxpay`, listening on
// 127.0.0.1 on a free port, fsync off (a test server need not survive a power cut). PostgreSQL refuses to run as
// root, so when the suite runs as root the folder is given to the `postgres` user and the tools run through
// `runuser -u postgres`. One server per test file (about 5 s to start); each test makes its own database.
// Where no server can be started the tests skip with the reason printed; WXPAY_REQUIRE_PG=1 (CI) makes that a failure.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { removeTemp } from './scan-written-files.js';

const run = promisify(execFile);

export interface PgServer {
  /** postgres://wxpay@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  /** A new empty database; its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

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

/** describe() for tests that need a server: skipped with a printed reason where none can start, failed instead
 *  when WXPAY_REQUIRE_PG=1. */
export function describePg(name: string, body: () => void): void {
  const reason = pgSkipReason();
  if (!reason) {
    describe(name, body);
    return;
  }
  if (process.env.WXPAY_REQUIRE_PG === '1') {
    describe(name, () => {
      it('needs a PostgreSQL server (WXPAY_REQUIRE_PG=1)', () => {
        throw new Error(`cannot start PostgreSQL: ${reason}`);
      });
    });
    return;
  }
  console.warn(`[postgres] skipping "${name}": ${reason}. Set WXPAY_REQUIRE_PG=1 to fail instead.`);
  describe.skip(name, body);
}

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

export async function startPostgres(): Promise<PgServer> {
  const bin = findBin();
  const reason = pgSkipReason();
  if (!bin || reason) throw new Error(`cannot start PostgreSQL: ${reason ?? 'no binaries'}`);
  // As root the server runs as `postgres`, which cannot enter the suite's own 0700 temp root: /tmp it is.
  const dir = mkdtempSync(path.join(asRoot ? '/tmp' : os.tmpdir(), 'wxpay-pg-'));
  const user = asRoot ? postgresUser() : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const tool = (name: string, args: string[]) =>
    user ? run('runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]) : run(path.join(bin, name), args);
  const data = path.join(dir, 'data');
  await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'wxpay', '--no-sync', '-E', 'UTF8']);
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    try {
      await tool('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'log'), '-w', 'start']);
      break;
    } catch (err) {
      if (attempt === 3) throw err; // another process took the port between the probe and the start
    }
  }
  const url = (db = 'postgres') => `postgres://wxpay@127.0.0.1:${port}/${db}`;
  let n = 0;
  return {
    url,
    async createDatabase(name = `t${process.pid}_${++n}`) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async stop() {
      await tool('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      removeTemp(dir);
    },
  };
}
