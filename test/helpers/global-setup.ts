// Runs once around the whole suite. It gives every test a folder for artifacts (what spawned commands
// printed, the secrets that tests generated), and at the end scans the artifacts for leaked secrets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { registerSecret, scanArtifacts } from './secrets-scan.js';
import { fixtureKeyFiles } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    artifactsDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-test-artifacts-'));
  project.provide('artifactsDir', dir);
  // The committed test-only keys (test/helpers/test-keys.ts) are secrets like generated ones: whichever test
  // loads one, no output may contain it.
  for (const file of fixtureKeyFiles())
    registerSecret(dir, `fixture key ${path.basename(file)}`, readFileSync(file, 'utf8').trim());
  return () => {
    const leaks = scanArtifacts(dir);
    if (leaks.length) {
      // Keep the folder so the leak can be inspected.
      throw new Error(
        `Secrets scan: ${leaks.length} leak(s) in command output:\n${leaks.map((l) => `  ${l.file}: ${l.secretLabel}`).join('\n')}\nArtifacts kept in ${dir}`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
