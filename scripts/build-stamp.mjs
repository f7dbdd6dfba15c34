#!/usr/bin/env node
// Lets `npm test` skip its `pretest` build when dist/ is already the build of this tree: right after `npm ci` (whose
// `prepare` has just built) or on a second `npm test`. Even an incremental tsc and the bundling cost about 6 CPU-s,
// more than any single unit file. The build starts with `build-stamp.mjs begin`, which deletes the stamp and notes one
// hash of everything the build reads (src/, scripts/, the tsconfigs, package.json, the lock files, the Node version),
// taken before tsc reads it (a file edited during the build then differs from it); it ends with `build-stamp.mjs
// end`, which adds one hash of what the build wrote (dist/) and writes the stamp. `build-stamp.mjs check` exits 0
// only when both hashes match today's files: an edited source, an installed package, a hand-edited or half-deleted
// dist/, or no stamp at all (a failed build, a deleted dist/) make it exit 1, and the caller builds. Hashing both
// sides takes a fraction of a CPU-second. Packages count through the lock files only (npm ci and npm install rewrite
// node_modules/.package-lock.json): a package edited by hand inside node_modules, or one npm-linked there, is not
// noticed, so run `npm run build` yourself after such an edit.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const STAMP = '.build-stamp';
const PENDING = '.build-stamp.pending';
/** Files and folders the build reads, relative to the repository root; a missing one hashes as missing. */
export const INPUTS = [
  'src',
  'scripts',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
];
/** In dist/ but not build output: tsc's incremental state and the stamp itself. */
const NOT_OUTPUT = new Set(['.tsbuildinfo', STAMP, PENDING]);

/** Every file under `rel` (a file or a folder), sorted, as paths relative to `root`. */
function filesUnder(root, rel, skip = new Set()) {
  let entries;
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOTDIR') return [rel];
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => !skip.has(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(root, `${rel}/${e.name}`) : [`${rel}/${e.name}`]));
}

/** One hash over the names and contents of the files; a name marks where each file starts. */
function hashFiles(root, files, extra = '') {
  const h = createHash('sha256').update(extra);
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(path.join(root, f)));
  return h.digest('hex');
}

export const inputsHash = (root, node = process.version) =>
  hashFiles(
    root,
    INPUTS.flatMap((rel) => filesUnder(root, rel)),
    `${node}\n`,
  );
export const outputsHash = (root) => hashFiles(root, filesUnder(root, 'dist', NOT_OUTPUT));

/** Before the build: no stamp (a build that fails leaves none), and the inputs' hash as they are now. */
export function beginBuild(root) {
  const dist = path.join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  rmSync(path.join(dist, STAMP), { force: true });
  writeFileSync(path.join(dist, PENDING), inputsHash(root));
}

/** After a build that succeeded: the stamp, from the inputs' hash noted at the start and the outputs' hash now. */
export function endBuild(root) {
  const dist = path.join(root, 'dist');
  const inputs = readFileSync(path.join(dist, PENDING), 'utf8');
  writeFileSync(path.join(dist, PENDING), `${JSON.stringify({ inputs, outputs: outputsHash(root) })}\n`);
  renameSync(path.join(dist, PENDING), path.join(dist, STAMP));
}

/** True when dist/ holds the build of the tree as it is now. */
export function isUpToDate(root) {
  let saved;
  try {
    saved = JSON.parse(readFileSync(path.join(root, 'dist', STAMP), 'utf8'));
  } catch {
    return false;
  }
  return saved.inputs === inputsHash(root) && saved.outputs === outputsHash(root);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const cmd = process.argv[2];
  if (cmd === 'begin') beginBuild(root);
  else if (cmd === 'end') endBuild(root);
  else if (cmd === 'check') {
    const fresh = isUpToDate(root);
    if (fresh) console.log('dist/ is the build of this tree (scripts/build-stamp.mjs): no rebuild');
    process.exitCode = fresh ? 0 : 1;
  } else {
    console.error('usage: build-stamp.mjs begin|end|check');
    process.exitCode = 2;
  }
}
