// The official known-answer vectors live in ../shared/vectors beside the clone and are never copied in.
// Absent folder: skip with a visible message, except under WXPAY_REQUIRE_VECTORS=1 (CI), where it fails.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { repoRoot } from './paths.js';

export const vectorsDir = path.resolve(process.env.WXPAY_VECTORS_DIR ?? path.join(repoRoot, '..', 'shared', 'vectors'));
export const vectorsPresent = existsSync(path.join(vectorsDir, 'vectors.json'));

if (!vectorsPresent && process.env.WXPAY_REQUIRE_VECTORS === '1') {
  throw new Error(`WXPAY_REQUIRE_VECTORS=1 but no vectors at ${vectorsDir}: CI must have ../shared/vectors beside the clone.`);
}

export interface Vector {
  name: string;
  kind: string;
  [k: string]: unknown;
}

export function loadVectors(): Vector[] {
  return (JSON.parse(readFileSync(path.join(vectorsDir, 'vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;
}

export const vectorsOfKind = (kind: string): Vector[] => loadVectors().filter((v) => v.kind === kind);
export const vector = (name: string): Vector => {
  const v = loadVectors().find((x) => x.name === name);
  if (!v) throw new Error(`no vector named ${name}`);
  return v;
};
export const vectorFile = (name: string): string => path.join(vectorsDir, name);
export const readVectorFile = (name: string): string => readFileSync(vectorFile(name), 'utf8');

/** describe() that runs only where the vectors are, and says loudly when it does not. */
export function describeVectors(name: string, fn: () => void): void {
  if (vectorsPresent) describe(name, fn);
  else {
    console.warn(`[wxpay] SKIPPED "${name}": known-answer vectors not found at ${vectorsDir}`);
    describe.skip(`${name} (vectors absent at ${vectorsDir})`, fn);
  }
}
