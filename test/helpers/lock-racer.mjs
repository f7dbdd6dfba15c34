// A lock racer for test/e2e/batch-lock.test.ts: a long-lived process that, per trial, waits for a shared start
// instant, then tries to take the batch journal lock (the built dist/ module, as the CLI uses it) and says
// whether it won. A winner holds the lock until told to release, so two winners would both be seen holding.
// Plain JS, so the child needs no TypeScript loader. Protocol: one JSON object per line each way.
import { createInterface } from 'node:readline';
import { lockJournal } from '../../dist/batch/journal-lock.js';

let held;
for await (const line of createInterface({ input: process.stdin })) {
  const msg = JSON.parse(line);
  if (msg.op === 'race') {
    await new Promise((r) => setTimeout(r, Math.max(0, msg.at - Date.now())));
    try {
      held = await lockJournal(msg.file);
      process.stdout.write(`${JSON.stringify({ won: true })}\n`);
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ won: false, code: e.code, message: e.message })}\n`);
    }
  } else if (msg.op === 'release') {
    await held?.release();
    held = undefined;
    process.stdout.write(`${JSON.stringify({ released: true })}\n`);
  }
}
