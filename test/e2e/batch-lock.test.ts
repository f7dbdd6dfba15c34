// The batch journal lock under real processes (issue 13): a stale lock (its owner is dead) taken over by three
// racers at the same instant leaves exactly one holder, 30 times in a row; a zombie owner (SIGKILLed, not yet
// reaped, as under a container init that reaps late) counts as dead, so the resume right after the kill works.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/batch/journal-lock.js';
import { batchEnv, type BatchEnv } from '../helpers/batch-harness.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { binPath, repoRoot } from '../helpers/paths.js';

interface Racer {
  child: ChildProcessWithoutNullStreams;
  ask(msg: object): Promise<any>;
}

function startRacer(): Racer {
  const child = spawn(process.execPath, [path.join(repoRoot, 'test', 'helpers', 'lock-racer.mjs')], { stdio: 'pipe' });
  const waiting: Array<(v: any) => void> = [];
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  return {
    child,
    ask: (msg) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${JSON.stringify(msg)}\n`);
      }),
  };
}

/** The pid of a process that has exited and been reaped. */
const deadPid = () => spawnSync('true').pid;

/** `n` such pids from one `sh`, which starts them, reaps them (`wait`) and exits: a spawnSync per trial forked this
 *  whole test process 30 times (~0.13 CPU-s and ~0.6 s even for a small worker). */
const deadPids = (n: number): number[] =>
  spawnSync('sh', ['-c', `i=0; while [ $i -lt ${n} ]; do true & echo $!; i=$((i + 1)); done; wait`], {
    encoding: 'utf8',
  })
    .stdout.trim()
    .split('\n')
    .map(Number);

describe('batch lock takeover', () => {
  it('3 racers x 30 trials over a stale lock: exactly one holder each time', async () => {
    const racers = [startRacer(), startRacer(), startRacer()];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-lock-race-'));
    const outcomes: string[] = [];
    try {
      const dead = deadPids(30);
      expect(dead.filter((pid) => Number.isInteger(pid) && pid > 0)).toHaveLength(30);
      // Each racer's first answer also proves it has loaded the module, so even the first trial races for real.
      for (let t = 0; t < 30; t++) {
        const file = path.join(dir, `t${t}.journal.ndjson`);
        writeFileSync(`${file}.lock`, `${dead[t]}\n`);
        await Promise.all(racers.map((r) => r.ask({ op: 'arm', file })));
        const answers = await Promise.all(racers.map((r) => r.ask({ op: 'go' })));
        const winners = answers.filter((a) => a.won).length;
        outcomes.push(`trial ${t}: ${winners} holder(s); ${answers.map((a) => (a.won ? 'won' : a.code)).join(', ')}`);
        expect(
          answers.filter((a) => !a.won).every((a) => a.code === 'BATCH_JOURNAL_CONFLICT'),
          outcomes.join('\n'),
        ).toBe(true);
        await Promise.all(racers.map((r) => r.ask({ op: 'release' })));
      }
      expect(
        outcomes.filter((o) => !o.includes(': 1 holder(s)')),
        outcomes.join('\n'),
      ).toEqual([]);
      // No claim or temp file is left behind.
      expect(readdirSync(dir).filter((f) => !f.endsWith('.lock') && !/^t\d+\.journal\.ndjson$/.test(f))).toEqual([]);
    } finally {
      for (const r of racers) r.child.kill();
    }
  }, 120_000);
});

describe.runIf(process.platform === 'linux')('a zombie lock owner', () => {
  let env: BatchEnv;
  beforeAll(async () => {
    env = await batchEnv();
  });
  afterAll(() => env?.close());

  it('counts as dead: the resume right after SIGKILL takes the lock over and finishes each refund once', async () => {
    const nos = Array.from({ length: 40 }, (_, i) => `ZOMBIE${String(i).padStart(4, '0')}`);
    env.seed(nos, 300);
    const file = path.join(env.dir, 'zombie.csv');
    writeFileSync(
      file,
      `out_trade_no,out_refund_no,amount,total\n${nos.map((no) => `${no},R${no},100,300`).join('\n')}\n`,
    );
    const args = ['refund', 'create', '--from', file, '--yes', '--json', '--rate', '20', '--concurrency', '2'];
    // A refund the kill caught in flight is looked up again only after the request timeout (src/batch/in-flight.ts):
    // a 3 s timeout keeps that wait inside this test's budget when the machine is slow.
    const shortTimeout = { ...env.env, WXPAY_TIMEOUT_MS: '3000' };
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // `sh` starts the batch in the background and then becomes `sleep`, which never wait()s: once the batch
    // is killed it stays a zombie (its parent is alive and does not reap it) until the sleep ends.
    const holder = spawn(
      'sh',
      ['-c', `${q(process.execPath)} ${q(binPath)} ${args.map(q).join(' ')} >/dev/null 2>&1 & echo $!; exec sleep 120`],
      { cwd: env.init.dir, env: cleanEnv(shortTimeout) },
    );
    try {
      const pid = Number(
        await new Promise<string>((resolve) => createInterface({ input: holder.stdout }).once('line', resolve)),
      );
      const journal = file.replace(/\.csv$/, '.journal.ndjson');
      const lock = `${journal}.lock`;
      for (let i = 0; i < 300 && !(existsSync(journal) && readFileSync(journal, 'utf8').includes('"done"')); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(pid));
      process.kill(pid, 'SIGKILL');
      let state = '';
      for (let i = 0; i < 100 && state !== 'Z'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      }
      expect(state).toBe('Z');
      expect(processAlive(pid)).toBe(false);
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(pid));

      // The owner under test is the zombie; the resume that takes its lock over needs no process of its own.
      const resumed = await runCli(
        args.map((a) => (a === '20' ? '1000' : a)),
        { cwd: env.init.dir, env: shortTimeout },
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      const refunds = env.sb.state.snapshot().refunds.filter((r) => r.outTradeNo.startsWith('ZOMBIE'));
      expect(refunds.map((r) => r.outRefundNo).sort()).toEqual(nos.map((no) => `R${no}`));
      expect(existsSync(lock)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 60_000);

  it('processAlive: this process is alive, a reaped one is not', async () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
  });
});
