// Runs once around the whole suite. It gives every test a folder for artifacts (what spawned commands
// printed, the secrets that tests generated), and at the end scans the artifacts for leaked secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { scanArtifacts } from './secrets-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    artifactsDir: string;
  }
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-test-artifacts-'));
  project.provide('artifactsDir', dir);
  return () => {
    const leaks = scanArtifacts(dir);
    if (leaks.length) {
      // Keep the folder so the leak can be inspected.
      throw new Error(`Secrets scan: ${leaks.length} leak(s) in command output:\n${leaks.map((l) => `  ${l.file}: ${l.secretLabel}`).join('\n')}\nArtifacts kept in ${dir}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
