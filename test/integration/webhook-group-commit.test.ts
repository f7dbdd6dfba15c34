// Issue 18, build 3: the file journal's group commit. Callbacks that reach the journal while a write is in flight
// share the next write and fsync, and each is answered only after the fsync that covers its line. The fsyncs are
// observed by wrapping FileHandle.prototype.sync: a wrapped fsync notes the ids already in the file when it
// starts, and marks them durable once the real fsync returns.
import { existsSync, fstatSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeHeaders } from '../../src/protocol/headers.js';
import { createHandler } from '../../src/webhook/handler.js';
import { openJournal } from '../../src/webhook/journal.js';
import { startWebhookServer } from '../../src/webhook/server.js';
import { removeTemp } from '../helpers/scan-written-files.js';
import { apiV3Key, makeFixture } from './webhook-fixtures.js';

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-group-commit-'));
afterAll(() => removeTemp(dir));
afterEach(() => vi.restoreAllMocks());

const idsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);

/** Counts the fsyncs from now on and which ids each one made durable; `hold` keeps the next fsync waiting. */
async function watchFsyncs(file: string) {
  const probe = await open(path.join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  // The unwrapped method, called below with the handle it was called on.
  const realSync = Object.getOwnPropertyDescriptor(proto, 'sync')!.value as (this: FileHandle) => Promise<void>;
  const w = { syncs: 0, durable: new Set<string>(), hold: undefined as Promise<void> | undefined };
  // Only the journal's own fsyncs count: this file shares its worker with others, whose unfinished work (a flush
  // still settling) must neither take the hold nor add to the count. Same file = same inode.
  const isJournal = (h: FileHandle) => existsSync(file) && fstatSync(h.fd).ino === statSync(file).ino;
  vi.spyOn(proto, 'sync').mockImplementation(async function (this: FileHandle) {
    if (!isJournal(this)) return realSync.call(this);
    const written = idsIn(file);
    const hold = w.hold;
    w.hold = undefined;
    await hold;
    await realSync.call(this);
    w.syncs++;
    for (const id of written) w.durable.add(id);
  });
  return w;
}

const N = 24;

describe('file journal group commit (issue 18)', () => {
  it('group commit: N callbacks arriving during one fsync share the next one, each answered after its line is durable', async () => {
    const file = path.join(dir, 'handler.ndjson');
    const journal = await openJournal(file);
    const w = await watchFsyncs(file);
    // The first callback's fsync waits until all N have reached the journal: the other N-1 queue behind it.
    let release!: () => void;
    w.hold = new Promise<void>((r) => (release = r));
    let appended = 0;
    const handle = createHandler({
      keys: f.keys,
      apiV3Key,
      now: Date.now,
      journal: {
        path: file,
        close: () => journal.close(),
        append: (e) => {
          if (++appended === N) release();
          return journal.append(e);
        },
      },
      seen: new Set(),
      onEvent: () => undefined,
      track: () => undefined,
    });
    const sent = Array.from({ length: N }, () => f.notify());
    const answers = await Promise.all(
      sent.map(async (n) => {
        const reply = await handle({
          method: 'POST',
          path: '/',
          headers: normalizeHeaders(n.headers),
          rawBody: Buffer.from(n.body),
          receivedAt: new Date().toISOString(),
        });
        return { id: n.id, status: reply.status, durable: w.durable.has(n.id) };
      }),
    );
    await journal.close();
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(204));
    expect(answers.filter((a) => !a.durable)).toEqual([]);
    // One fsync for the first callback, one for the N-1 that waited: not one per callback.
    expect(w.syncs).toBe(2);
    expect(idsIn(file).sort()).toEqual(sent.map((n) => n.id).sort());
  });

  it('webhook serve answers each of N concurrent callbacks only after the fsync covering its line, with fewer fsyncs than callbacks', async () => {
    const file = path.join(dir, 'serve.ndjson');
    const srv = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath: file });
    const w = await watchFsyncs(file);
    // Hold the first fsync until every request has arrived, so the rest reach the journal while it is in flight.
    let release!: () => void;
    w.hold = new Promise<void>((r) => (release = r));
    let arrived = 0;
    srv.server.on('request', () => ++arrived === N && release());
    try {
      const sent = Array.from({ length: N }, () => f.notify());
      const answers = await Promise.all(
        sent.map(async (n) => {
          const r = await fetch(srv.url, { method: 'POST', headers: n.headers, body: n.body });
          return { id: n.id, status: r.status, durable: w.durable.has(n.id) };
        }),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(N).fill(204));
      expect(answers.filter((a) => !a.durable)).toEqual([]);
      expect(w.syncs).toBeLessThan(N);
    } finally {
      await srv.close();
    }
  });
});
