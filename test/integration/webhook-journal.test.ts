// Issue 13: the webhook journal on the shared journal module. A torn last line (a write cut by a crash) is cut on
// open and reported, so the next acknowledged callback starts on a line of its own and is found after the next
// restart; rotated files still count for dedupe.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acknowledgedIds } from '../../src/webhook/journal.js';
import { startWebhookServer } from '../../src/webhook/server.js';
import { apiV3Key, makeFixture } from './webhook-fixtures.js';
import { removeTemp } from '../helpers/scan-written-files.js';

const f = makeFixture();
const dir = mkdtempSync(path.join(tmpdir(), 'wxpay-webhook-journal-'));
afterAll(() => removeTemp(dir));

const post = (url: string, n: { headers: Record<string, string>; body: string }) =>
  fetch(url, { method: 'POST', headers: n.headers, body: n.body }).then(async (r) => (await r.text(), r.status));
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('webhook journal', () => {
  it('torn-journal-restart: after a torn last line, an acknowledged callback is still known after the next restart', async () => {
    const journalPath = path.join(dir, 'torn.ndjson');
    const earlier = f.notify();
    writeFileSync(
      journalPath,
      `${JSON.stringify({ id: earlier.id, outcome: 'accepted', status: 204, headers: {}, body: earlier.body })}\n{"id":"half-written","outc`,
    );
    const first = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath });
    expect(first.cutBytes).toBe('{"id":"half-written","outc'.length);
    const n = f.notify();
    expect(await post(first.url, n)).toBe(204);
    await first.close();

    expect([...(await acknowledgedIds(journalPath))].sort()).toEqual([earlier.id, n.id].sort());
    const second = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath });
    try {
      expect(second.recovered).toBe(2);
      expect(await post(second.url, n)).toBe(204);
    } finally {
      await second.close();
    }
    expect(
      lines(journalPath)
        .filter((l) => l.id === n.id)
        .map((l) => l.outcome),
    ).toEqual(['accepted', 'duplicate']);
    expect(statSync(journalPath).mode & 0o777).toBe(0o600);
  });

  it('dedupe sees the ids of rotated files', async () => {
    const journalPath = path.join(dir, 'rot.ndjson');
    const a = f.notify();
    const b = f.notify();
    const first = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath, rotateBytes: 1024 });
    expect(await post(first.url, a)).toBe(204);
    expect(await post(first.url, b)).toBe(204); // the journal is over 1 KiB: a's line moves to .1
    await first.close();
    expect(lines(`${journalPath}.1`).map((l) => l.id)).toEqual([a.id]);
    expect(lines(journalPath).map((l) => l.id)).toEqual([b.id]);
    const second = await startWebhookServer({ keys: f.keys, apiV3Key, journalPath, rotateBytes: 1024 });
    try {
      expect(second.recovered).toBe(2);
      expect(await post(second.url, a)).toBe(204);
    } finally {
      await second.close();
    }
    // .1 is the newest rotated file: the duplicate's append rotated b's file out, a's moved on to .2.
    expect(lines(`${journalPath}.2`).map((l) => l.id)).toEqual([a.id]);
    expect(lines(`${journalPath}.1`).map((l) => l.id)).toEqual([b.id]);
    expect(lines(journalPath).map((l) => [l.id, l.outcome])).toEqual([[a.id, 'duplicate']]);
  });
});
