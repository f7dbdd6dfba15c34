// The official known-answer vectors, kept in the repo under test/fixtures/vectors (sources in its README.md), so
// a fresh clone runs them and nothing skips. Loaded once per test file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export const vectorsDir = path.join(repoRoot, 'test', 'fixtures', 'vectors');

export interface Vector {
  name: string;
  kind: string;
  [k: string]: unknown;
}

let cache: Vector[] | undefined;
export function loadVectors(): Vector[] {
  cache ??= (JSON.parse(readFileSync(path.join(vectorsDir, 'vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;
  return cache;
}

export const vectorsOfKind = (kind: string): Vector[] => loadVectors().filter((v) => v.kind === kind);
export const vector = (name: string): Vector => {
  const v = loadVectors().find((x) => x.name === name);
  if (!v) throw new Error(`no vector named ${name}`);
  return v;
};
export const vectorFile = (name: string): string => path.join(vectorsDir, name);
export const readVectorFile = (name: string): string => readFileSync(vectorFile(name), 'utf8');
