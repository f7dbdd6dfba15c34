// Versioned schema migrations: src/store/migrations/NNNN-name.sql, applied in order in ONE transaction (under an
// advisory lock, so two instances migrating at once take turns) and recorded in wxpay_schema_migrations. A store
// whose schema is behind the binary's is refused at start (run `wxpay webhook migrate`); one AHEAD of it (written by
// a newer wxpay) is refused always, since this binary cannot know what the newer schema means.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { WxpayError } from '../protocol/errors.js';
import { redactStoreUrl } from '../protocol/redact.js';
import { inTransaction, messageOf, type Db } from './connect.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant: the key of the advisory lock that serializes migrations.
const LOCK_KEY = 0x77787061;

/** The migrations this binary knows, oldest first. */
export function knownMigrations(): Migration[] {
  return readdirSync(DIR)
    .filter((f) => /^\d{4}-[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.slice(5, -4), sql: readFileSync(DIR + f, 'utf8') }));
}

export const latestVersion = (): number => knownMigrations().at(-1)?.version ?? 0;

/** The store's schema version: 0 for a database no migration has touched. */
export async function schemaVersion(db: Db): Promise<number> {
  const t = await db.query<{ t: string | null }>(`SELECT to_regclass('wxpay_schema_migrations')::text AS t`);
  if (!t.rows[0]?.t) return 0;
  const r = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM wxpay_schema_migrations');
  return r.rows[0]?.v ?? 0;
}

function newer(url: string, have: number, known: number): WxpayError {
  return new WxpayError(
    'STORE_SCHEMA_NEWER',
    `The store ${redactStoreUrl(url)} has schema version ${have}; this wxpay knows versions up to ${known}`,
    { hint: 'A newer wxpay migrated this database: run that version (or newer) against it, not this one.' },
  );
}

/** Refuses a store whose schema is not the one this binary was written for. */
export async function checkSchema(db: Db, url: string): Promise<void> {
  const have = await schemaVersion(db);
  const known = latestVersion();
  if (have > known) throw newer(url, have, known);
  if (have < known)
    throw new WxpayError(
      'STORE_SCHEMA_BEHIND',
      `The store ${redactStoreUrl(url)} has schema version ${have}; this wxpay needs ${known}`,
      { hint: `Run \`wxpay webhook migrate --store <url>\` once, then start again.` },
    );
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/** Applies the migrations after the store's version, up to `target` (default: all), in one transaction. */
export async function migrate(pool: pg.Pool, url: string, target = latestVersion()): Promise<MigrateResult> {
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await c.query(`CREATE TABLE IF NOT EXISTS wxpay_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const from = await schemaVersion(c);
    if (from > latestVersion()) throw newer(url, from, latestVersion());
    const todo = knownMigrations().filter((m) => m.version > from && m.version <= target);
    for (const m of todo) {
      try {
        await c.query(m.sql);
      } catch (err) {
        throw new WxpayError('STORE_MIGRATION_FAILED', `Migration ${m.version} (${m.name}) failed: ${messageOf(err)}`, {
          cause: err,
          hint: 'Nothing was changed (the migration runs in one transaction). Check the database user may create tables.',
        });
      }
      await c.query('INSERT INTO wxpay_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return { from, to: todo.at(-1)?.version ?? from, applied: todo.map((m) => `${m.version}-${m.name}`) };
  });
}
