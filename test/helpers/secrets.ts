import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { registerSecret } from './secrets-scan.js';

/** Registers a secret (an APIv3 key, or a private-key PEM) that no command output may contain. */
export function trackSecret(label: string, secret: string): void {
  registerSecret(inject('artifactsDir'), label, secret);
}

export function trackSecretFile(label: string, file: string): void {
  trackSecret(label, readFileSync(file, 'utf8').replace(/\r?\n$/, ''));
}
