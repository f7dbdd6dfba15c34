// PostgreSQL for the store tests: one throwaway server per test run (test/helpers/postgres-server.ts), shared by
// every file that needs one, and a fresh database per test. Starting a server costs about 5 s and an initdb's CPU,
// once per file before; now the first file that asks starts it, files running at the same time in other workers
// wait for it, and the global teardown (global-setup.ts) stops it. Tests share nothing but the server: each makes its
// own database with createDatabase(). Where no server can be started the tests skip with the reason printed;
// WXPAY_REQUIRE_PG=1 (CI) makes that a failure.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { describe, inject, it } from 'vitest';
import { launchPostgres, pgSkipReason, sharedServerFile, type PgInstance, type Shared } from './postgres-server.js';

export { pgSkipReason };

export interface PgServer {
  /** postgres://wxpay@127.0.0.1:<port>/<db> */
  url(db?: string): string;
  /** A new empty database; its URL. */
  createDatabase(name?: string): Promise<string>;
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

/** The run's server: started here if no worker has claimed it yet, else waited for (up to 2 minutes). */
async function runServer(): Promise<PgInstance> {
  const folder = inject('pgShared');
  const file = sharedServerFile(folder);
  let claimed = true;
  try {
    mkdirSync(folder); // atomic: exactly one worker of the run gets here first
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    claimed = false;
  }
  if (claimed) {
    const publish = (s: Shared) => {
      writeFileSync(`${file}.part`, JSON.stringify(s));
      renameSync(`${file}.part`, file);
    };
    try {
      const server = await launchPostgres(inject('pgParent'));
      publish({ server });
      return server;
    } catch (err) {
      publish({ error: String(err) });
      throw err;
    }
  }
  for (let waited = 0; !existsSync(file); waited += 100) {
    if (waited > 120_000) throw new Error(`PostgreSQL: no server described in ${file} after 2 minutes`);
    await sleep(100);
  }
  const shared = JSON.parse(readFileSync(file, 'utf8')) as Shared;
  if ('error' in shared) throw new Error(`PostgreSQL: the run's server failed to start: ${shared.error}`);
  return shared.server;
}

// Per worker process: the files it runs (isolate: false) ask once.
let started: Promise<PgInstance> | undefined;

// Each connection is a forked backend, ~25-45 ms of the server's CPU on this kind of VM to start and end: a worker's
// CREATE DATABASEs go through one connection of its own, made on first use and kept for the worker's life. Its
// socket is unref'd so it never holds a worker open, and the server's stop at the end of the run is no error.
let admin: Promise<pg.Client> | undefined;
async function adminClient(url: string): Promise<pg.Client> {
  const { default: pgLib } = await import('pg');
  const c = new pgLib.Client({ connectionString: url });
  // A connection that dies (the server restarted, a network blip) is dropped, so the next call makes a new one.
  const drop = () => void (admin = undefined);
  c.on('error', drop);
  c.on('end', drop);
  await c.connect();
  (c as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
  return c;
}

// A client runs one statement at a time. Concurrent createDatabase calls (a Promise.all in a test) queue here: left to
// queue inside pg, each printed pg 8's warning that a client's own queue goes away in pg 9.
let creating: Promise<unknown> = Promise.resolve();

/** The run's shared server (started on first use); call it in beforeAll. */
export async function sharedPostgres(): Promise<PgServer> {
  const { port } = await (started ??= runServer());
  const url = (db = 'postgres') => `postgres://wxpay@127.0.0.1:${port}/${db}`;
  return {
    url,
    async createDatabase(name = `t${process.pid}_${randomBytes(4).toString('hex')}`) {
      const c = await (admin ??= adminClient(url()).catch((err: unknown) => {
        admin = undefined; // the next call tries again
        throw err;
      }));
      const created = creating.then(() => c.query(`CREATE DATABASE ${name}`));
      creating = created.catch(() => undefined);
      await created;
      return url(name);
    },
  };
}
