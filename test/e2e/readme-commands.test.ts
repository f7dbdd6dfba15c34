// The README cannot drift: every ```sh checked block is run, in README order, in one scratch folder with one
// environment (so `export` and `wxpay sandbox init` in one block serve the next). It is ONE test: a reader follows
// the README top to bottom, so a block is never run alone (vitest -t cannot pick one; regression readme-in-order:
// blocks that passed alone failed in order, e.g. a reused refund number). Rules for checked lines:
//   wxpay …            run through the CLI's own entry (runCli, in-process: test/helpers/cli.ts); must exit 0,
//                      or the code in a trailing "# exit N" comment. `sandbox init` and `demo` take the committed
//                      test keys (test-keys.ts) instead of fresh keygens: 12 of them were ~2 CPU-s of this file
//   wxpay … serve … &  started in the background on a free port (README ports are mapped to the real ones in later
//                      lines; the sandbox's URL is exported as WXPAY_BASE_URL), stopped with SIGTERM at the end
//   export K=V         sets the environment of the following lines
//   npx --no-install wxpay …   as `wxpay …` (a bare `npx wxpay` fails: it could run another package)
//   examples/…         the repo's examples/ folder is copied into the scratch folder first, as a reader in the clone has it
//   npm ci / npm link / npm test   not run (they are what runs this test, and npm link would change this machine):
//                      checked against package.json and the lock file; test/e2e/pack-install.test.ts installs for real
// Anything else in a checked block fails the test. Other blocks are illustrative. readme-structure.test.ts checks
// the command table and the in-page links.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { binPath, repoRoot } from '../helpers/paths.js';
import { recordOutput } from '../helpers/secrets-scan.js';
import { trackSecretFile } from '../helpers/secrets.js';
import { checkedBlocks, shellWords } from './readme-parse.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'wxpay-readme-'));
  cpSync(path.join(repoRoot, 'examples'), path.join(cwd, 'examples'), { recursive: true });
  const env: Record<string, string> = { TMPDIR: cwd };
  const ports = new Map<string, string>();
  const background: Array<{ name: string; child: ChildProcess; exited: Promise<number | null> }> = [];
  const blocks = checkedBlocks(readme);

  // Until a README listener takes it over, its port points at a closed one, so a notify_url in an earlier line
  // never reaches a real listener on this machine (e.g. a developer's own `webhook serve` on 8930).
  beforeAll(async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    ports.set('8930', String((srv.address() as { port: number }).port));
    await new Promise<void>((r) => srv.close(() => r()));
  });

  afterAll(async () => {
    for (const b of background) if (b.child.exitCode === null) b.child.kill('SIGKILL');
  });

  const mapPorts = (w: string) =>
    w.replace(/127\.0\.0\.1:(\d+)/g, (m, p: string) => (ports.has(p) ? `127.0.0.1:${ports.get(p)}` : m));

  async function startBackground(words: string[]): Promise<void> {
    const args = words.slice(1);
    const what = `${args[0]} ${args[1]}`;
    if (what !== 'sandbox serve' && what !== 'webhook serve')
      throw new Error(`only sandbox serve and webhook serve may run in the background, not: ${what}`);
    const pi = args.indexOf('--port');
    const readmePort = pi >= 0 ? args[pi + 1]! : what === 'sandbox serve' ? '8931' : '8930';
    if (pi >= 0) args.splice(pi, 2);
    args.push('--port', '0');
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (code) => {
        recordOutput(inject('artifactsDir'), `wxpay ${args.join(' ')} (background)`, log);
        r(code);
      }),
    );
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /listening on (http:\/\/\S+?)\/?(\s|$)/.exec(log);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then((code) => reject(new Error(`${what} exited ${code} before listening:\n${log}`)));
    });
    ports.set(readmePort, new URL(url).port);
    if (what === 'sandbox serve') env.WXPAY_BASE_URL = url;
    background.push({ name: what, child, exited });
  }

  async function runLine(line: string): Promise<void> {
    const { words: raw, comment } = shellWords(line);
    const words = raw.map(mapPorts);
    const bg = words[words.length - 1] === '&';
    if (bg) words.pop();
    if (words[0] === 'npx') {
      if (words[1] !== '--no-install' || words[2] !== 'wxpay')
        throw new Error(`npx in a checked block must be "npx --no-install wxpay": ${line}`);
      words.splice(0, 2);
    }
    if (words[0] === 'npm') {
      const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
      if (words[1] === 'ci') {
        expect(existsSync(path.join(repoRoot, 'package-lock.json')), 'npm ci needs package-lock.json').toBe(true);
        expect(pkg.scripts.prepare, 'npm ci builds dist/ through prepare').toMatch(/build/);
        expect(pkg.bin.wxpay).toBe('bin/wxpay');
      } else if (words[1] === 'link' && words.length === 2) {
        expect(pkg.bin.wxpay, 'npm link puts bin.wxpay on PATH').toBe('bin/wxpay');
        expect(pkg.name).toBe('wxpay');
      } else if (words[1] === 'test') {
        expect(pkg.scripts.test).toMatch(/vitest/);
        expect(pkg.scripts.pretest).toMatch(/build/);
      } else throw new Error(`unsupported npm line in a checked block: ${line}`);
      return;
    }
    if (words[0] === 'export') {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(words[1] ?? '');
      if (!m || words.length !== 2) throw new Error(`bad export line: ${line}`);
      env[m[1]!] = m[2]!;
      return;
    }
    if (words[0] !== 'wxpay') throw new Error(`unsupported line in a checked block: ${line}`);
    if (bg) return startBackground(words);
    const want = /^exit (\d)\b/.exec(comment);
    const res = await runCli(words.slice(1), { cwd, env, fixtureKeys: true });
    expect(res.code, `${line}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`).toBe(want ? Number(want[1]) : 0);
  }

  it(`runs all ${blocks.length} checked blocks, top to bottom, in one folder`, async () => {
    for (const [i, block] of blocks.entries()) {
      for (const line of block.lines) {
        try {
          await runLine(line);
        } catch (err) {
          throw new Error(
            `checked block ${i + 1} of ${blocks.length} (${block.heading}), after the blocks above it:\n${(err as Error).message}`,
            { cause: err },
          );
        }
      }
      if (existsSync(path.join(cwd, '.wxpay-sandbox', 'apiv3.key'))) {
        trackSecretFile(
          'readme sandbox merchant key',
          path.join(cwd, '.wxpay-sandbox', 'merchant', 'apiclient_key.pem'),
        );
        trackSecretFile('readme sandbox APIv3 key', path.join(cwd, '.wxpay-sandbox', 'apiv3.key'));
      }
    }
  }, 600_000);

  it('background servers stop cleanly on SIGTERM', async () => {
    for (const b of background) {
      b.child.kill('SIGTERM');
      expect(await b.exited, b.name).toBe(0);
    }
  });
});
