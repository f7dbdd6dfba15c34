// Issue 18's acceptance, with real processes: `webhook migrate` keeps the data of an old schema and refuses a newer
// one; then a fleet of three `webhook serve --store` instances shares one PostgreSQL and one app. 2,000 distinct
// callbacks are each sent twice to random instances; one instance is SIGKILLed mid-run and restarted. Every event
// is stored exactly once, nothing acknowledged is missing, the app dedupes by webhook-id to exactly 2,000, and no
// outbox row is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forwardSecret } from '../../src/webhook/forward-secret.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { binPath } from '../helpers/paths.js';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';
import { rawPoster } from '../helpers/raw-post.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { seeded } from '../helpers/seeded.js';
import { API_V3_KEY_TEXT, makeFixture, PUB_ID } from '../integration/webhook-fixtures.js';

const EVENTS = 2_000;
const POOL = 4;
const MCHID = '1900000109';
const f = makeFixture();
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-fleet-'));
const rc = path.join(dir, '.wxpayrc.json');

function writeProfile(): void {
  const pub = path.join(dir, 'wxpay-pub.pem');
  const v3 = path.join(dir, 'apiv3.key');
  writeFileSync(pub, f.pubKey.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600 });
  writeFileSync(v3, API_V3_KEY_TEXT, { mode: 0o600 });
  const profile = { mchid: MCHID, publicKeyId: PUB_ID, publicKeyPath: pub, apiV3Key: `file:${v3}` };
  writeFileSync(rc, JSON.stringify(profile), { mode: 0o600 });
}

interface Instance {
  child: ChildProcess;
  url: string;
}

function serve(store: string, name: string, app: string): Promise<Instance> {
  const args = [binPath, 'webhook', 'serve', '--config', rc, '--port', '0', '--store', store, '--json'];
  args.push('--instance', name, '--forward-to', app, '--journal', path.join(dir, 'j.ndjson'), '--lease', '2');
  // Four connections each, not the default ten: each is a backend the server forks (~40 of them at ten, a second of
  // the server's CPU), and the callbacks queue for a connection instead of in PostgreSQL.
  args.push('--store-connections', String(POOL));
  const child = spawn(process.execPath, args, { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const e = JSON.parse(l) as { type: string; url?: string };
      if (e.type === 'listening') resolve({ child, url: e.url! });
    });
    child.once('exit', (code) => reject(new Error(`webhook serve ${name} exited ${code}: ${err}`)));
  });
}

// One raw keep-alive pool per listener (test/helpers/raw-post.ts), 16 sockets each (one per sending loop): node:http's
// client cost the test process more CPU than the 4,000 posts' work in the listeners, and fetch twice that. A refused
// or reset connection (the killed instance) counts as no answer.
const pools = new Map<string, ReturnType<typeof rawPoster>>();
function post(url: string, e: { headers: Record<string, string>; body: string }): Promise<number> {
  let pool = pools.get(url);
  if (!pool) pools.set(url, (pool = rawPoster(url, 16)));
  return pool.post(e);
}

/** The app: records every delivery's webhook-id, answers 204. */
async function startApp() {
  const ids: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { ids, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

describePg('webhook serve --store: migrate and a fleet of three (issue 18)', () => {
  let server: PgServer;
  beforeAll(async () => {
    writeProfile();
    server = await sharedPostgres();
  }, 60_000);
  afterAll(async () => {
    removeTemp(dir);
  });

  // The two cases share the server only (a database each); the migrate case mostly waits on it, so it runs while the
  // fleet's processes start.
  it.concurrent(
    'migrate: an old schema with data is brought up to date and the data kept; a newer one is refused',
    async () => {
      const url = await server.createDatabase();
      const old = await runCli(['webhook', 'migrate', '--store', url, '--to', '1']);
      expect(old.code).toBe(0);
      expect(old.stdout).toContain('schema version 0 -> 1 (applied 1-webhook-events)');
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        await db.query(`INSERT INTO wxpay_webhook_events (mchid, event_id, event_type, capture, verification, outcome,
        received_at) VALUES ('1', 'EV-OLD', 'TRANSACTION.SUCCESS', '{}', '{}', 'forwarded', now())`);
        const behind = await runCli(['webhook', 'serve', '--config', rc, '--store', url, '--port', '0']);
        expect(behind.code).toBe(3);
        expect(behind.stderr).toContain('STORE_SCHEMA_BEHIND');
        expect(behind.stderr).toContain('wxpay webhook migrate');
        const up = await runCli(['webhook', 'migrate', '--store', url, '--json']);
        expect(up.json()).toMatchObject({
          from: 1,
          to: 4,
          applied: ['2-webhook-rejections', '3-batch-ledger', '4-event-readers'],
        });
        const kept = await db.query('SELECT event_id, outcome, stored_by FROM wxpay_webhook_events');
        expect(kept.rows).toEqual([{ event_id: 'EV-OLD', outcome: 'forwarded', stored_by: null }]);
        expect((await runCli(['webhook', 'migrate', '--store', url])).stdout).toContain('schema version 4, up to date');
        await db.query(`INSERT INTO wxpay_schema_migrations (version, name) VALUES (5, 'newer')`);
        for (const args of [
          ['webhook', 'migrate'],
          ['webhook', 'serve', '--config', rc, '--port', '0'],
        ]) {
          const r = await runCli([...args, '--store', url.replace('wxpay@', 'wxpay:pw-not-shown@')]);
          expect(r.code).toBe(3);
          expect(r.stderr).toContain('STORE_SCHEMA_NEWER: The store postgres://wxpay:…@');
          expect(r.stderr).toContain('has schema version 5; this wxpay knows versions up to 4');
          expect(r.stderr).not.toContain('pw-not-shown');
        }
      } finally {
        await db.end();
      }
    },
  );

  it.concurrent(
    '3 instances, 2,000 callbacks each sent twice, one SIGKILLed and restarted: every event stored once, forwarded, deduped to 2,000',
    async () => {
      const url = await server.createDatabase();
      expect((await runCli(['webhook', 'migrate', '--store', url])).code).toBe(0);
      const app = await startApp();
      const seed = Number(process.env.WXPAY_FLEET_SEED ?? Date.now() % 100_000);
      console.log(`fleet seed ${seed} (WXPAY_FLEET_SEED=${seed} replays the send order)`);
      const rand = seeded(seed);
      // The forward secret beside the shared journal path, made first (as the first instance to start would), so that
      // the three start at once and read it. The 2,000 callbacks are signed while they start.
      await forwardSecret(path.join(dir, 'j.ndjson'));
      const starting = Promise.all(['i0', 'i1', 'i2'].map((name) => serve(url, name, app.url)));
      const events = Array.from({ length: EVENTS }, () => f.notify());
      const fleet = await starting;
      const sends = events.flatMap((e) => [e, e]).sort(() => rand() - 0.5);
      const acked = new Set<string>();
      // WeChat Pay's part: send to a random instance until one answers 2xx (a killed one refuses or drops it).
      const deliver = async (e: (typeof events)[number]) => {
        for (;;) {
          const target = fleet[Math.floor(rand() * fleet.length)]!;
          if ((await post(target.url, e)) === 204) return void acked.add(e.id);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      let next = 0;
      const killAt = Math.floor(sends.length / 3);
      let restarted: Promise<void> | undefined;
      const worker = async () => {
        while (next < sends.length) {
          const i = next++;
          if (i === killAt) {
            fleet[1]!.child.kill('SIGKILL');
            restarted = serve(url, 'i1-again', app.url).then((again) => void (fleet[1] = again));
          }
          await deliver(sends[i]!);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      await restarted;

      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const outboxLeft = async () =>
          Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM wxpay_webhook_outbox')).rows[0]!.n);
        for (let i = 0; i < 200 && (await outboxLeft()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(await outboxLeft()).toBe(0);
        const stored = await db.query<{ event_id: string }>('SELECT event_id FROM wxpay_webhook_events');
        expect(stored.rows).toHaveLength(EVENTS);
        const storedIds = new Set(stored.rows.map((r) => r.event_id));
        expect(acked.size).toBe(EVENTS);
        expect([...acked].filter((id) => !storedIds.has(id))).toEqual([]);
        const notForwarded = await db.query(
          `SELECT count(*)::int AS n FROM wxpay_webhook_events WHERE outcome <> 'forwarded'`,
        );
        expect(notForwarded.rows[0]).toEqual({ n: 0 });
        // At least once: a row claimed by the killed instance may arrive twice, with the same webhook-id.
        expect(new Set(app.ids)).toEqual(new Set(events.map((e) => e.id)));
        expect(app.ids.length).toBeGreaterThanOrEqual(EVENTS);
        // --store-connections holds: the three live instances' pools and this client, the killed one's gone.
        const conns = await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()`,
        );
        expect(conns.rows[0].n).toBeLessThanOrEqual(3 * POOL + 1);
      } finally {
        await db.end();
        for (const i of fleet) i.child.kill('SIGTERM');
        for (const pool of pools.values()) pool.close();
        app.server.close();
      }
      // Wall time follows the machine's load: 70-90 s measured on 2 shared cores at a load average of 20.
    },
    300_000,
  );
});
