// webhook serve's live lines: the lines of one tick (the callbacks one group commit answered) leave in one write.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { liveLinePrinter } from '../../src/command-kit/live-lines.js';
import { makeOutput } from '../../src/render.js';
import type { Runtime } from '../../src/runtime.js';
import type { LiveEvent } from '../../src/webhook/live-line.js';

function countingStdout() {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writes.push(chunk.toString());
      cb();
    },
    writev(chunks, cb) {
      writes.push(chunks.map((c) => String(c.chunk)).join(''));
      cb();
    },
  });
  return { stream, writes };
}

const event = (id: string): LiveEvent => ({ time: 't', status: 204, outcome: 'accepted', verification: 'ok', id });

describe('live lines', () => {
  it('writes the live lines of one tick in one write, in order, and later ticks in writes of their own', async () => {
    const { stream, writes } = countingStdout();
    const rt = { stdout: stream, stderr: stream, env: {} } as unknown as Runtime;
    const print = liveLinePrinter(makeOutput(rt, { json: true }), stream);
    for (const id of ['E1', 'E2', 'E3']) print(event(id));
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as LiveEvent).id),
    ).toEqual(['E1', 'E2', 'E3']);
    print(event('E4'));
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1]!)).toMatchObject({ type: 'event', id: 'E4', outcome: 'accepted' });
  });
});
