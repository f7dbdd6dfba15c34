import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binPath = path.join(repoRoot, 'bin', 'wxpay');

/** The committed test-only RSA keys (PKCS#8 PEM) that test-keys.ts hands out, in a stable order. */
export const fixtureKeyFiles = (): string[] => {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'keys');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.key.pem'))
    .sort()
    .map((n) => path.join(dir, n));
};
