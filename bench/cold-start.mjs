// Cold start of the CLI against bare Node (issue 2 benchmark): `node -e 0`, `wxpay --help`, and an offline
// `wxpay sign` with the official doc key. Runs are interleaved so machine noise hits every case alike.
// Usage: node bench/cold-start.mjs [runs=15] [warmup=3]. Needs a build (dist/) and ../shared/vectors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'wxpay');
const vectors = path.resolve(process.env.WXPAY_VECTORS_DIR ?? path.join(root, '..', 'shared', 'vectors'));
const runs = Math.max(10, Number(process.argv[2] ?? 15));
const warmup = Number(process.argv[3] ?? 3);
const keyFile = path.join(vectors, 'doc_merchant_key.pem');
if (!existsSync(keyFile)) throw new Error(`doc key not found at ${keyFile}: set WXPAY_VECTORS_DIR`);
// An empty folder, so no rc file is found and only the env vars below configure the merchant.
const cwd = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-'));
const env = {
  PATH: process.env.PATH ?? '',
  NO_COLOR: '1',
  WXPAY_MCHID: '1900007291',
  WXPAY_SERIAL_NO: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
  WXPAY_PRIVATE_KEY_PATH: keyFile,
};

const cases = [
  { name: '`node -e 0`', args: ['-e', '0'] },
  { name: '`wxpay --help`', args: [bin, '--help'] },
  {
    name: '`wxpay sign GET …` (offline)',
    args: [bin, 'sign', 'GET', '/v3/refund/domestic/refunds/123123123123', '--timestamp', '1554208460', '--nonce', '593BEC0C930BF1AFEB40B4A08C8FB242'],
  },
];

function once(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

try {
  for (let i = 0; i < warmup; i++) for (const c of cases) once(c.args);
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, j) => times[j].push(once(c.args)));
  const base = median(times[0]);
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}; ${runs} runs each after ${warmup} warm-up rounds, interleaved.\n`);
  console.log('| command | median (ms) | min (ms) | ratio to `node -e 0` |');
  console.log('|---|---:|---:|---:|');
  cases.forEach((c, j) => {
    console.log(`| ${c.name} | ${median(times[j]).toFixed(1)} | ${Math.min(...times[j]).toFixed(1)} | ${(median(times[j]) / base).toFixed(2)}× |`);
  });
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
