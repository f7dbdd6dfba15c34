// The PostgreSQL test helper itself: tests create their databases concurrently through one admin connection.
import pg from 'pg';
import { beforeAll, expect, it, vi } from 'vitest';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';

describePg('the shared PostgreSQL helper', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await sharedPostgres();
  });

  // Queueing a statement behind another inside one pg client prints pg 8's DeprecationWarning (pg 9 refuses it).
  // The warning comes once per process, so the test counts overlapping queries instead.
  it('creates concurrent databases one statement at a time, so pg never queues them', async () => {
    const query = Reflect.get(pg.Client.prototype, 'query') as (this: pg.Client, ...args: unknown[]) => unknown;
    let running = 0;
    let most = 0;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args) {
      most = Math.max(most, ++running);
      return Promise.resolve(query.apply(this, args)).finally(() => running--) as never;
    });
    try {
      const urls = await Promise.all([1, 2, 3, 4].map(() => server.createDatabase()));
      expect(new Set(urls).size).toBe(4);
      for (const u of urls) expect(u).toMatch(/^postgres:\/\/wxpay@127\.0\.0\.1:\d+\/t\d+_[0-9a-f]{8}$/);
      expect(spy).toHaveBeenCalledTimes(4);
      expect(most).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
