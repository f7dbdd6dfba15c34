// The secrets scan covers the files the suite writes (issue 9): journals, result CSVs and bill outputs under
// the temp folder are recorded before a test deletes them (test/helpers/scan-written-files.ts), so a secret
// planted in a journal is caught like one printed by a command, and key/rc files (inputs) are not recorded.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { collectWritten, isWrittenOutput } from '../helpers/scan-written-files.js';
import { registerSecret, scanArtifacts } from '../helpers/secrets-scan.js';

const APIV3 = 'PlantedJournalApiV3Key0123456789';
const recorded = (dir: string) =>
  readdirSync(path.join(dir, 'output')).map((n) => readFileSync(path.join(dir, 'output', n), 'utf8'));

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

  it('catches a secret planted in a journal and a result CSV, not in the key files beside them', () => {
    const artifacts = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-files-'));
    const work = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-work-'));
    try {
      registerSecret(artifacts, 'apiv3', APIV3);
      mkdirSync(path.join(work, 'nested'));
      writeFileSync(
        path.join(work, 'nested', 'refunds.journal.ndjson'),
        `{"type":"start","key":"R1"}\n{"message":"${APIV3}"}\n`,
      );
      writeFileSync(path.join(work, 'refunds.result.csv'), `line,key\n2,${APIV3}\n`);
      writeFileSync(path.join(work, 'apiv3.key'), APIV3);
      collectWritten(work, artifacts);
      const leaks = scanArtifacts(artifacts);
      expect(leaks).toHaveLength(2);
      expect(leaks.map((l) => l.file).join(' ')).toMatch(/journal.*result|result.*journal/);
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
      // The wrapper records what it deletes into the suite's own scan: empty the planted files first.
      for (const f of ['nested/refunds.journal.ndjson', 'refunds.result.csv', 'apiv3.key'])
        writeFileSync(path.join(work, f), '');
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('the wrapper is live: rmSync and fs/promises rm record a journal before deleting it', async () => {
    const removers = {
      rmSync: async (d: string) => rmSync(d, { recursive: true }),
      rm: (d: string) => rm(d, { recursive: true }),
    };
    for (const [name, remove] of Object.entries(removers)) {
      const marker = `clean-marker-${name}-${process.pid}-${Date.now()}`;
      const work = mkdtempSync(path.join(os.tmpdir(), 'wxpay-scan-live-'));
      writeFileSync(path.join(work, 'webhooks.ndjson'), `{"marker":"${marker}"}\n`);
      await remove(work);
      expect(recorded(inject('artifactsDir')).some((t) => t.includes(marker))).toBe(true);
    }
  });
});
