// webhook tail (issue 17): the live-line view of each kind of journal line, the --filter rules, and following a
// journal across growth, a torn line cut by a restarted writer, and rotation. The follower's sleep is injected
// (setImmediate), so no real timer runs.
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { followJournal } from '../../src/journal/follow.js';
import { formatLive } from '../../src/webhook/live-line.js';
import { matchesFilter, parseTailFilters, tailEvent } from '../../src/webhook/tail.js';
import { tempDir } from '../helpers/fixtures.js';

const accepted = {
  receivedAt: '2026-12-02T04:55:02.597Z',
  id: 'EV-1',
  event_type: 'TRANSACTION.SUCCESS',
  resource: { mchid: '1900000001', out_trade_no: 'T1', trade_state: 'SUCCESS', amount: { total: 100 } },
  verification: { serial: 'PUB_KEY_ID_0001' },
  outcome: 'accepted',
  status: 204,
};
const forwarded = {
  id: 'EV-1',
  outcome: 'forwarded',
  forward: { ok: true, status: 200, attempts: 1 },
  at: '2026-12-02T04:55:03.000Z',
};
const rejected = {
  outcome: 'rejected',
  status: 401,
  code: 'VERIFY_BAD_SIGNATURE',
  receivedAt: '2026-12-02T04:56:00.000Z',
};
const limited = {
  outcome: 'rate_limited',
  status: 429,
  from: 'a',
  to: '2026-12-02T04:57:00.000Z',
  count: 40,
  sources: 2,
};

describe('tailEvent', () => {
  it('shows an accepted callback with the columns of the live line', () => {
    expect(formatLive(tailEvent(accepted))).toBe(
      '2026-12-02T04:55:02.597Z  204  accepted  TRANSACTION.SUCCESS  T1  100 fen  SUCCESS  verified PUB_KEY_ID_0001  -',
    );
    expect(tailEvent(accepted).mchid).toBe('1900000001');
  });

  it('tail-profile-column: an entry of a many-merchant listener shows its profile after the outcome', () => {
    const shop = { ...accepted, profile: 'shop', mchid: '1900000001' };
    expect(formatLive(tailEvent(shop))).toBe(
      '2026-12-02T04:55:02.597Z  204  accepted  shop  TRANSACTION.SUCCESS  T1  100 fen  SUCCESS  verified PUB_KEY_ID_0001  -',
    );
    expect(formatLive(tailEvent({ ...rejected, profile: 'franchise' }))).toBe(
      '2026-12-02T04:56:00.000Z  401  rejected  franchise  -  -  -  -  VERIFY_BAD_SIGNATURE  -',
    );
    expect(tailEvent(shop)).toMatchObject({ profile: 'shop', mchid: '1900000001' });
  });

  it('shows forward results, rejections and rate-limit summaries by their own time and facts', () => {
    expect(formatLive(tailEvent(forwarded))).toBe(
      '2026-12-02T04:55:03.000Z  0  forwarded  -  -  -  -  -  forwarded 200 (1x)',
    );
    expect(formatLive(tailEvent(rejected))).toBe(
      '2026-12-02T04:56:00.000Z  401  rejected  -  -  -  -  VERIFY_BAD_SIGNATURE  -',
    );
    expect(formatLive(tailEvent(limited))).toBe(
      '2026-12-02T04:57:00.000Z  429  rate_limited  -  -  -  -  40 refused from 2 addresses  -',
    );
  });
});

describe('--filter', () => {
  const all = [accepted, forwarded, rejected, limited].map(tailEvent);
  const pick = (...specs: string[]) =>
    all.filter((e) => matchesFilter(e, parseTailFilters(specs))).map((e) => e.outcome);

  it('matches exact values and prefixes; one key twice is either, two keys are both', () => {
    expect(pick('outcome=rejected')).toEqual(['rejected']);
    expect(pick('event_type=TRANSACTION.*')).toEqual(['accepted']);
    expect(pick('outcome=rejected', 'outcome=rate_limited')).toEqual(['rejected', 'rate_limited']);
    expect(pick('outcome=accepted', 'mchid=1900000002')).toEqual([]);
    expect(pick('status=204', 'out_trade_no=T1')).toEqual(['accepted']);
  });

  it('refuses an unknown key or a spec without =, naming the keys it knows', () => {
    expect(() => parseTailFilters(['colour=red'])).toThrow(/not key=value with a known key/);
    expect(() => parseTailFilters(['outcome'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('followJournal', () => {
  const dir = tempDir('wxpay-tail-');
  const tick = () => new Promise<void>((r) => setImmediate(r));

  async function following(file: string) {
    const seen: string[] = [];
    const stop = new AbortController();
    let polls = 0; // how many times the follower has finished a pass and gone to sleep
    let wake: () => void = () => undefined;
    const changed = () => new Promise<void>((r) => (wake = r));
    const sleep = async () => {
      polls += 1;
      wake();
      await tick();
    };
    const visit = (b: Buffer) => {
      seen.push(b.toString());
      wake();
    };
    const done = followJournal(file, visit, { signal: stop.signal, sleep });
    // Both waits are on events (a line seen, a pass ended), never on a count of turns or a time, so a loaded
    // machine only makes them slower (the test's own timeout is the limit).
    const until = async (n: number) => {
      while (seen.length < n) await changed();
      return seen;
    };
    // Two more whole passes: the follower has seen the files as they are now (a truncation cannot be missed).
    const passes = async () => {
      const target = polls + 2;
      while (polls < target) await changed();
    };
    return {
      seen,
      until,
      passes,
      stop: async () => {
        stop.abort();
        await done;
      },
    };
  }

  it('reads rotated files oldest first, then the live file, then what is appended', async () => {
    const file = path.join(dir, 'a.ndjson');
    writeFileSync(`${file}.2`, '1\n');
    writeFileSync(`${file}.1`, '2\n');
    writeFileSync(file, '3\n');
    const f = await following(file);
    expect(await f.until(3)).toEqual(['1', '2', '3']);
    appendFileSync(file, '4\n5');
    expect(await f.until(4)).toEqual(['1', '2', '3', '4']);
    appendFileSync(file, '\n');
    expect(await f.until(5)).toEqual(['1', '2', '3', '4', '5']);
    await f.stop();
  });

  it('follows across rotation: the lines written before the rename, then the new file from its start', async () => {
    const file = path.join(dir, 'b.ndjson');
    writeFileSync(file, 'old-1\n');
    const f = await following(file);
    await f.until(1);
    appendFileSync(file, 'old-2\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'new-1\n');
    expect(await f.until(3)).toEqual(['old-1', 'old-2', 'new-1']);
    await f.stop();
  });

  it('drops a torn line that a restarted writer cut, and reads what it appends next', async () => {
    const file = path.join(dir, 'c.ndjson');
    writeFileSync(file, 'whole\n{"torn');
    const f = await following(file);
    await f.until(1);
    await f.passes(); // the torn part is held back as an unfinished line
    truncateSync(file, 'whole\n'.length);
    await f.passes();
    appendFileSync(file, 'after\n');
    expect(await f.until(2)).toEqual(['whole', 'after']);
    await f.stop();
  });

  it('waits for a journal that does not exist yet', async () => {
    const file = path.join(dir, 'd.ndjson');
    const f = await following(file);
    await f.passes();
    writeFileSync(file, 'first\n');
    expect(await f.until(1)).toEqual(['first']);
    await f.stop();
  });
});
