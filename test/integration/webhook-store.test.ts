// webhook serve --store against a real PostgreSQL (test/helpers/postgres.ts): one event row per (mchid, event id)
// across instances, its outbox row committed with it before the 2xx, forwarding from the outbox with a stable
// webhook-id, a dead instance's lease running out, rejections counted and not stored, and the schema checks.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { startWebhookServer, type WebhookServer } from '../../src/webhook/server.js';
import { newForwardSecret } from '../../src/webhook/signing.js';
import { openPool } from '../../src/store/connect.js';
import { checkSchema, latestVersion, migrate } from '../../src/store/migrations.js';
import { webhookStore } from '../../src/store/webhook-events.js';
import { apiV3Key, makeFixture } from './webhook-fixtures.js';
import { receiver, waitFor } from '../helpers/receiver.js';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';

const f = makeFixture();
const MCHID = '1900000109';
const post = (url: string, n: { headers: Record<string, string>; body: string }) =>
  fetch(url, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));

describePg('webhook serve --store (PostgreSQL)', () => {
  let server: PgServer;
  const pools: pg.Pool[] = [];
  const open: WebhookServer[] = [];
  beforeAll(async () => {
    server = await sharedPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const s of open) await s.close();
    for (const p of pools) await p.end();
  });

  async function freshStore() {
    const url = await server.createDatabase();
    // Four connections are plenty for a case's two listeners and its checks (at most three requests at once), and
    // each connection is a backend the server forks: the default of ten grew to 15 in one case.
    const pool = await openPool(url, { max: 4 });
    pools.push(pool);
    await migrate(pool, url);
    return { url, pool, store: webhookStore(pool) };
  }
  async function listener(
    store: ReturnType<typeof webhookStore>,
    instance: string,
    extra: { forwardTo?: string; forwardSecret?: string; forwardBaseDelayMs?: number; summaryIntervalMs?: number } = {},
  ) {
    // An idle forwarder polls every 100 ms: often enough for a retry's backoff or a lease running out to show up
    // quickly (a local accept wakes it at once anyway), and a fifth of the claim queries of a 20 ms poll.
    const srv = await startWebhookServer({
      keys: f.keys,
      apiV3Key,
      journalPath: '/nonexistent/not-written.ndjson',
      store: { store, mchid: MCHID, instance, pollMs: 100 },
      ...extra,
    });
    open.push(srv);
    return srv;
  }
  const count = async (pool: pg.Pool, sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);

  // The cases share nothing but the server (a database, listeners and an app each) and mostly wait on it, the
  // outbox pumps' polls and a lease: they run side by side.

  it.concurrent(
    'a callback sent to two instances is stored once with one outbox row, committed before the 2xx',
    async () => {
      const { pool, store } = await freshStore();
      const a = await listener(store, 'a');
      const b = await listener(store, 'b');
      const n = f.notify();
      const first = await post(a.url, n);
      expect(first.status).toBe(204);
      // Committed before the answer: the row is there the moment the 2xx is.
      const row = await pool.query(`SELECT * FROM wxpay_webhook_events WHERE event_id = $1`, [n.id]);
      expect(row.rows).toHaveLength(1);
      expect(row.rows[0]).toMatchObject({ mchid: MCHID, outcome: 'accepted', stored_by: 'a' });
      expect(row.rows[0].capture.body).toBe(n.body);
      expect(row.rows[0].resource).toMatchObject({ out_trade_no: expect.any(String) });
      expect(row.rows[0].verification).toMatchObject({ serial: expect.any(String), skew: expect.any(Number) });
      const again = await Promise.all([post(b.url, n), post(a.url, n), post(b.url, n)]);
      expect(again.map((r) => r.status)).toEqual([204, 204, 204]);
      expect(await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_events')).toBe(1);
      // No --forward-to: no outbox rows at all.
      expect(await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_outbox')).toBe(0);
    },
  );

  it.concurrent(
    'forwards from the outbox once per event with webhook-id = event id; a duplicate gets no second outbox row',
    async () => {
      const { pool, store } = await freshStore();
      const app = await receiver('/hook');
      const secret = newForwardSecret();
      const opts = { forwardTo: app.url, forwardSecret: secret, forwardBaseDelayMs: 10 };
      const a = await listener(store, 'a', opts);
      const b = await listener(store, 'b', opts);
      const events = Array.from({ length: 20 }, () => f.notify());
      for (const e of events) expect((await post(a.url, e)).status).toBe(204);
      for (const e of events) expect((await post(b.url, e)).status).toBe(204);
      await waitFor('20 forwards', () => app.got.length >= 20 || undefined);
      await waitFor(
        'an empty outbox',
        async () => (await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_outbox')) === 0,
      );
      // One outbox row per event, however many deliveries: each event reached the app exactly once here (no instance
      // died, so no lease ran out).
      expect(app.got).toHaveLength(20);
      const ids = app.got.map((g) => g.headers['webhook-id']);
      expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
      expect(await count(pool, `SELECT count(*) AS n FROM wxpay_webhook_events WHERE outcome = 'forwarded'`)).toBe(20);
      app.server.close();
    },
  );

  it.concurrent('a row claimed by an instance that died is forwarded by another once its lease runs out', async () => {
    const { pool, store } = await freshStore();
    const app = await receiver('/hook');
    const n = f.notify();
    // The dead instance: it stored the event with its outbox row and claimed it for 1 s, then vanished.
    await store.accept(
      {
        mchid: MCHID,
        id: n.id,
        eventType: 'TRANSACTION.SUCCESS',
        capture: { headers: n.headers, body: n.body },
        resource: {},
        verification: { serial: 'x', skew: 0 },
        receivedAt: new Date().toISOString(),
        message: { body: '{}', headers: { 'x-wxpay-event-type': 'TRANSACTION.SUCCESS' } },
      },
      'dead',
    );
    expect(await store.claim('dead', 10, 1_000)).toHaveLength(1);
    // While the lease holds, nobody else may take it. Asked at once: the cases run side by side, and a listener
    // started first could, under load, take longer than the lease.
    expect(await store.claim('other', 10, 1_000)).toHaveLength(0);
    await listener(store, 'alive', { forwardTo: app.url, forwardSecret: newForwardSecret() });
    await waitFor('the forward after the lease', () => app.got.length === 1 || undefined, 500);
    expect(app.got[0]!.headers['webhook-id']).toBe(n.id);
    await waitFor(
      'an empty outbox',
      async () => (await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_outbox')) === 0,
    );
    app.server.close();
  });

  it.concurrent('an app that fails gets the event again with backoff; the row stays until it answers 2xx', async () => {
    const { pool, store } = await freshStore();
    const app = await receiver('/hook');
    let refuse = 2;
    app.server.removeAllListeners('request');
    app.server.on('request', (req, res) => {
      req.resume();
      req.on('end', () => {
        app.got.push({ headers: req.headers, body: Buffer.alloc(0) });
        res.writeHead(refuse-- > 0 ? 503 : 204).end();
      });
    });
    const a = await listener(store, 'a', {
      forwardTo: app.url,
      forwardSecret: newForwardSecret(),
      forwardBaseDelayMs: 20,
    });
    const n = f.notify();
    await post(a.url, n);
    await waitFor('the third attempt', () => app.got.length >= 3 || undefined);
    await waitFor(
      'an empty outbox',
      async () => (await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_outbox')) === 0,
    );
    expect(app.got.map((g) => g.headers['webhook-id'])).toEqual([n.id, n.id, n.id]);
    app.server.close();
  });

  it.concurrent('rejected requests are counted per interval, their bodies not stored', async () => {
    const { pool, store } = await freshStore();
    const a = await listener(store, 'a', { summaryIntervalMs: 60_000 });
    const n = f.notify();
    const forged = { headers: { ...n.headers, 'wechatpay-signature': 'AAAA' }, body: n.body };
    for (let i = 0; i < 3; i++) expect((await post(a.url, forged)).status).toBe(401);
    await a.close();
    const rows = await pool.query('SELECT code, count FROM wxpay_webhook_rejections');
    expect(rows.rows).toEqual([{ code: 'VERIFY_BAD_SIGNATURE', count: 3 }]);
    expect(await count(pool, 'SELECT count(*) AS n FROM wxpay_webhook_events')).toBe(0);
  });

  it.concurrent('start-up refuses a schema that is behind (run migrate) or newer than this binary knows', async () => {
    const url = await server.createDatabase();
    const pool = await openPool(url);
    pools.push(pool);
    await migrate(pool, url, 1);
    await expect(checkSchema(pool, url)).rejects.toMatchObject({
      code: 'STORE_SCHEMA_BEHIND',
      exitCode: 3,
      hint: expect.stringContaining('wxpay webhook migrate'),
    });
    await migrate(pool, url);
    await expect(checkSchema(pool, url)).resolves.toBeUndefined();
    await pool.query(`INSERT INTO wxpay_schema_migrations (version, name) VALUES ($1, 'from-the-future')`, [
      latestVersion() + 1,
    ]);
    await expect(checkSchema(pool, url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER', exitCode: 3 });
    await expect(migrate(pool, url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
  });

  it.concurrent('an unreachable store names it without its password', async () => {
    const url = server.url('nope').replace('wxpay@', 'wxpay:s3cret-pw@');
    const err = (await openPool(url).catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(err.code).toBe('STORE_UNREACHABLE');
    expect(err.message).toContain('wxpay:…@127.0.0.1');
    expect(`${err.message} ${err.hint}`).not.toContain('s3cret-pw');
  });
});
