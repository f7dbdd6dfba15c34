// The one way into PostgreSQL (node-postgres): a pool for a postgres:// URL, with errors that name the database by
// its URL with the password hidden, since the URL may hold one and an error ends up in a terminal or a log.
import pg from 'pg';
import { WxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';

export type Pool = pg.Pool;
export type Db = pg.Pool | pg.PoolClient;

export function isStoreUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** A pool for `url`; the first connection is made now, so a wrong URL fails at start (STORE_UNREACHABLE). */
export async function openPool(url: string, opts: { max?: number } = {}): Promise<pg.Pool> {
  if (!isStoreUrl(url))
    throw new WxpayError('USAGE', `The store must be a postgres:// URL, got "${redactStoreUrl(url).slice(0, 80)}"`, {
      hint: 'e.g. --store postgres://wxpay@127.0.0.1:5432/wxpay (or WXPAY_STORE, or `store` in the profile)',
    });
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle connection the server dropped must not crash the process: the next query opens a new one.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw unreachable(url, err);
  }
  return pool;
}

export function unreachable(url: string, err: unknown): WxpayError {
  return new WxpayError('STORE_UNREACHABLE', `Cannot reach the store ${redactStoreUrl(url)}: ${messageOf(err)}`, {
    cause: err,
    hint: 'Check that PostgreSQL is running at that host and port, and the user, password and database name.',
  });
}

/** An error's message without anything of the URL's password (node-postgres messages do not carry it; this is
 *  the belt to that brace). */
export function messageOf(err: unknown): string {
  const e = err as { message?: string; code?: string };
  return redactStoreUrl(e.message ?? e.code ?? String(err));
}

/** Runs `fn` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
