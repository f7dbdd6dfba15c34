// The PostgreSQL test helper itself: tests create their databases concurrently through one admin connection.
import { beforeAll, expect, it, vi } from 'vitest';
import { describePg, sharedPostgres, type PgServer } from '../helpers/postgres.js';

describePg('the shared PostgreSQL helper', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await sharedPostgres();
  });

  it('creates concurrent databases one statement at a time, so pg never queues (it warns that pg 9 drops that)', async () => {
    const emitWarning = vi.spyOn(process, 'emitWarning');
    const urls = await Promise.all([1, 2, 3, 4].map(() => server.createDatabase()));
    expect(new Set(urls).size).toBe(4);
    for (const u of urls) expect(u).toMatch(/^postgres:\/\/wxpay@127\.0\.0\.1:\d+\/t\d+_[0-9a-f]{8}$/);
    const queued = emitWarning.mock.calls.map((c) => String(c[0])).filter((m) => /already executing a query/.test(m));
    expect(queued).toEqual([]);
  });
});
