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

export function scanArtifacts(dir: string): Leak[] {
  const secretsFile = path.join(dir, 'secrets.ndjson');
  const secrets = existsSync(secretsFile)
    ? readFileSync(secretsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { label: string; secret: string })
    : [];
  const needles = secrets.flatMap((s) => needlesOf(s.secret).map((n) => ({ n, label: s.label })));
  const leaks: Leak[] = [];
  for (const file of walk(path.join(dir, 'output'))) {
    const text = readFileSync(file, 'utf8');
    const hit = needles.find(({ n }) => text.includes(n));
    if (hit) leaks.push({ file, secretLabel: hit.label });
    else if (path.basename(file).includes(DRY_RUN_TAG) && SIGNATURE_SHAPED.test(text))
      leaks.push({ file, secretLabel: 'a signature in --dry-run output' });
  }
  return leaks;
}
