// A lock racer for test/e2e/batch-lock.test.ts: a long-lived process that, per trial, is armed with the lock's file,
// then on "go" tries to take the batch journal lock (the built dist/ module, as the CLI uses it) and says whether it
// won. A winner holds the lock until told to release, so two winners would both be seen holding. The test sends "go"
// to all racers only once each has answered "armed": by then each waits for nothing but that line, so the three
// start together without a fixed head start to wait out (a start instant 150 ms ahead cost 4.5 s over 30 trials).
// Plain JS, so the child needs no TypeScript loader. Protocol: one JSON object per line each way.
import { createInterface } from 'node:readline';
import { lockJournal } from '../../dist/batch/journal-lock.js';

let held;
let armed;
for await (const line of createInterface({ input: process.stdin })) {
  const msg = JSON.parse(line);
  if (msg.op === 'arm') {
    armed = msg.file;
    process.stdout.write(`${JSON.stringify({ armed: true })}\n`);
  } else if (msg.op === 'go') {
    try {
      held = await lockJournal(armed);
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
