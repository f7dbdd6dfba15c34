// The secrets scan covers the files the suite writes (issue 9), without patching fs (issue 15): a test folder
// removed through removeTemp is recorded first, and the global teardown records whatever is left under the run's
// temp root (test/helpers/scan-written-files.ts, global-setup.ts). A secret planted in a journal is caught like one
// printed by a command; key and rc files (inputs) are not recorded.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from '../helpers/global-setup.js';
import { repoRoot } from '../helpers/paths.js';
import { isWrittenOutput, removeTemp } from '../helpers/scan-written-files.js';
import { registerSecret, scanArtifacts } from '../helpers/secrets-scan.js';

const APIV3 = 'PlantedJournalApiV3Key0123456789';

/** A folder with a planted journal and result CSV, and the key file they came from. */
function plantedWork(parent: string): string {
  const work = mkdtempSync(path.join(parent, 'wxpay-scan-work-'));
  mkdirSync(path.join(work, 'nested'));
  writeFileSync(
    path.join(work, 'nested', 'refunds.journal.ndjson'),
    `{"type":"start","key":"R1"}\n{"message":"${APIV3}"}\n`,
  );
  writeFileSync(path.join(work, 'refunds.result.csv'), `line,key\n2,${APIV3}\n`);
  writeFileSync(path.join(work, 'apiv3.key'), APIV3);
  return work;
}

describe('secrets scan of written files', () => {
  it('tells outputs from inputs', () => {
    for (const f of [
      'webhooks.ndjson',
      'refunds.journal.ndjson',
      'refunds.result.csv',
      'bill.json',
      'trade-2026-01-01.csv',
      'run.log',
    ])
      expect(isWrittenOutput(f)).toBe(true);
    for (const f of ['apiclient_key.pem', 'apiv3.key', '.wxpayrc.json', 'secrets.ndjson', 'capture.json', 'cert.pem'])
      expect(isWrittenOutput(f)).toBe(false);
  });

  it('removeTemp catches a secret planted in a journal and a result CSV, not in the key file beside them', () => {
    // A separate artifacts folder: the planted leak must not fail the suite's own scan.
    const artifacts = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-files-'));
    try {
      registerSecret(artifacts, 'apiv3', APIV3);
      const work = plantedWork(os.tmpdir());
      removeTemp(work, artifacts);
      expect(existsSync(work)).toBe(false);
      const leaks = scanArtifacts(artifacts);
      expect(leaks).toHaveLength(2);
      expect(leaks.map((l) => l.file).join(' ')).toMatch(/journal.*result|result.*journal/);
    } finally {
      removeTemp(artifacts);
    }
  });

  it('removeTemp passes over an installed node_modules tree, still catches the outputs beside it, and removes both', () => {
    const artifacts = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-files-'));
    try {
      registerSecret(artifacts, 'apiv3', APIV3);
      const work = plantedWork(os.tmpdir());
      // A package's file whose name only looks like an output (fresh-clone and pack-install install thousands).
      const pkg = path.join(work, 'node_modules', 'some-reporter', 'lib');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(path.join(pkg, 'report.log'), `installed by npm, not written by a test: ${APIV3}\n`);
      removeTemp(work, artifacts);
      expect(existsSync(work)).toBe(false);
      const leaks = scanArtifacts(artifacts).map((l) => l.file);
      expect(leaks).toHaveLength(2);
      expect(leaks.join(' ')).toMatch(/journal.*result|result.*journal/);
    } finally {
      removeTemp(artifacts);
    }
  });

  it('the test workers write under the run temp root, and its teardown fails on a leak left there', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^wxpay-test-run-/);
    // A run of its own, nested in this one: its set-up points TMPDIR at a new root until its teardown.
    let provided = '';
    const teardown = setup({
      provide: (k: string, v: string) => {
        if (k === 'artifactsDir') provided = v;
      },
    } as never);
    const root = os.tmpdir();
    let tornDown = false;
    try {
      expect(path.basename(root)).toMatch(/^wxpay-test-run-/);
      registerSecret(provided, 'apiv3', APIV3);
      plantedWork(root); // never removed by the "test": only the teardown's sweep can see it
      tornDown = true;
      expect(teardown).toThrow(/Secrets scan: 2 leak\(s\)/);
      expect(os.tmpdir()).not.toBe(root);
      expect(
        readdirSync(path.join(provided, 'output')).map((n) => readFileSync(path.join(provided, 'output', n), 'utf8')),
      ).toEqual(expect.arrayContaining([expect.stringContaining(APIV3)]));
    } finally {
      // An assertion failed before the teardown: end the nested run anyway, so this worker's TMPDIR is restored.
      if (!tornDown) {
        try {
          teardown();
        } catch {
          // the planted leak
        }
      }
      // Kept for inspection after a leak; record into that run's own artifacts while removing.
      if (existsSync(root)) removeTemp(root, provided);
      if (existsSync(provided)) removeTemp(provided);
    }
  });

  it('no test deletes files except through removeTemp, so nothing written escapes the scan', () => {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((n) => {
        const p = path.join(d, n);
        return statSync(p).isDirectory() ? (n === 'fixtures' ? [] : walk(p)) : /\.(ts|mjs|cjs)$/.test(n) ? [p] : [];
      });
    // temp-base.ts removes only earlier runs' folders (their run has ended) and its own one-line probe file, and
    // transform-cache.ts only vitest's own cache entries in node_modules, never a file a test wrote.
    const scanner = ['scan-written-files.ts', 'global-setup.ts', 'temp-base.ts', 'transform-cache.ts'].map((n) =>
      path.join(repoRoot, 'test', 'helpers', n),
    );
    const removal = /(?<![\w.])(rmSync|rm|unlinkSync|unlink|rmdirSync|rmdir)\(|\.(rmSync|rm|unlinkSync|unlink)\(/;
    const direct = walk(path.join(repoRoot, 'test'))
      .filter((f) => !scanner.includes(f) && removal.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f));
    expect(direct).toEqual([]);
  });
});
