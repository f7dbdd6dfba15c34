// The secrets scan: every secret a test generated or loaded is registered in secrets.ndjson, every output a
// test captured is a file under output/, and no output may contain any secret. A --dry-run's output is also held to
// a stricter rule: nothing signature-shaped at all, since a printed signature can be replayed (issue 12).
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Leak {
  file: string;
  secretLabel: string;
}

/** The needles for one secret: the APIv3 key itself, or every base64 line of a private-key PEM body. */
export function needlesOf(secret: string): string[] {
  if (!secret.includes('-----BEGIN')) return secret.length >= 8 ? [secret] : [];
  const body = secret.split(/\r?\n/).filter((l) => l && !l.startsWith('-----'));
  // Any 40-character slice of the key's base64 is unique enough and survives re-wrapping. Slices start every
  // 24 characters, so every 64-character PEM line (any window of 64) holds at least one whole slice.
  const joined = body.join('');
  const out: string[] = [];
  for (let i = 0; i + 40 <= joined.length; i += 24) out.push(joined.slice(i, i + 40));
  return out;
}

export function registerSecret(dir: string, label: string, secret: string): void {
  appendFileSync(path.join(dir, 'secrets.ndjson'), `${JSON.stringify({ label, secret })}\n`);
}

/** A signature: an RSA-2048-sized base64 run, or any signature="…" other than the dry-run placeholder. */
// A whole base64 run of RSA-2048 length, except the value of a JSON field: a sensitive field's OAEP ciphertext is as
// long as a signature but authenticates nothing (a signature shows up as signature="…", the second pattern).
const SIGNATURE_SHAPED = /(?<![A-Za-z0-9+/]|":")[A-Za-z0-9+/]{340,}={0,2}|signature=\\?"(?!<not signed)[^"\\]{16,}/;
const DRY_RUN_TAG = '-dryrun-';

let counter = 0;
export function recordOutput(dir: string, name: string, content: string | Buffer): void {
  const out = path.join(dir, 'output');
  mkdirSync(out, { recursive: true });
  counter += 1;
  // The tag survives the 60-character cut of the name, so the scan knows which outputs were dry runs.
  const tag = /(^|\s)--dry-run(\s|$)/.test(name) ? DRY_RUN_TAG : '-';
  appendFileSync(
    path.join(out, `${process.pid}-${counter}${tag}${name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}.txt`),
    content,
  );
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=') BASE64[c.charCodeAt(0)] = 1;
const WINDOW = 40; // needlesOf's slice length
// A polynomial rolling hash of the last WINDOW bytes (mod 2^32): base^WINDOW removes the byte leaving the window.
const BASE = 257;
let BASE_W = 1;
for (let i = 0; i < WINDOW; i++) BASE_W = Math.imul(BASE_W, BASE);
const hashOf = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) | 0;
  return h;
};

interface Needles {
  /** PEM needles (40 base64 characters each) with their labels, and the set of their hashes. */
  pem: Map<string, string>;
  pemHashes: Set<number>;
  plain: Array<{ n: string; label: string }>;
}

/**
 * The first secret the bytes contain: what `text.includes(needle)` for every needle finds, in one pass. A PEM needle
 * can only lie inside a run of 40 or more base64 bytes; each 40-byte window of such a run is hashed as it slides,
 * and only a window whose hash is a needle's is compared. (Tests register thousands of needles, and the written
 * files include journals and bills of several megabytes: one search per needle took minutes.)
 */
function findSecret(buf: Buffer, needles: Needles): string | undefined {
  let run = 0;
  let h = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (!BASE64[c]) {
      run = 0;
      h = 0;
      continue;
    }
    h = (Math.imul(h, BASE) + c) | 0;
    if (++run > WINDOW) h = (h - Math.imul(BASE_W, buf[i - WINDOW]!)) | 0;
    if (run >= WINDOW && needles.pemHashes.has(h)) {
      const label = needles.pem.get(buf.toString('latin1', i + 1 - WINDOW, i + 1));
      if (label !== undefined) return label;
    }
  }
  return needles.plain.find(({ n }) => buf.includes(n))?.label;
}

export function scanArtifacts(dir: string): Leak[] {
  const secretsFile = path.join(dir, 'secrets.ndjson');
  const secrets = existsSync(secretsFile)
    ? readFileSync(secretsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { label: string; secret: string })
    : [];
  // The same key is registered by many tests: each needle is kept once, with the first label it came with.
  const pem = new Map<string, string>();
  const plain = new Map<string, string>();
  for (const s of secrets)
    for (const n of needlesOf(s.secret)) {
      const into = /^[A-Za-z0-9+/=]{40}$/.test(n) ? pem : plain;
      if (!into.has(n)) into.set(n, s.label);
    }
  const needles: Needles = {
    pem,
    pemHashes: new Set([...pem.keys()].map(hashOf)),
    plain: [...plain].map(([n, label]) => ({ n, label })),
  };
  const leaks: Leak[] = [];
  for (const file of walk(path.join(dir, 'output'))) {
    const buf = readFileSync(file);
    const hit = findSecret(buf, needles);
    if (hit !== undefined) leaks.push({ file, secretLabel: hit });
    else if (path.basename(file).includes(DRY_RUN_TAG) && SIGNATURE_SHAPED.test(buf.toString('utf8')))
      leaks.push({ file, secretLabel: 'a signature in --dry-run output' });
  }
  return leaks;
}
