// Cold start of the CLI against bare Node (issue 2 benchmark): `node -e 0`, `wxpay --help`, and an offline
// `wxpay sign` with the official doc key. Runs are interleaved so machine noise hits every case alike.
// Usage: node bench/cold-start.mjs [runs=15] [warmup=3]. Needs a build (dist/); the key comes from test/fixtures/vectors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'wxpay');
const vectors = path.join(root, 'test', 'fixtures', 'vectors');
const runs = Math.max(10, Number(process.argv[2] ?? 15));
const warmup = Number(process.argv[3] ?? 3);
const keyFile = path.join(vectors, 'doc_merchant_key.pem');
if (!existsSync(keyFile)) throw new Error(`doc key not found at ${keyFile}`);
// An empty folder, so no rc file is found and only the env vars below configure the merchant.
const cwd = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-'));
// The CLI's code cache (src/code-cache.ts) in a folder of the bench's own, filled by the warm-up rounds;
// NODE_DISABLE_COMPILE_CACHE=1 node bench/cold-start.mjs measures without it.
const cacheHome = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-cache-'));
const env = {
  PATH: process.env.PATH ?? '',
  XDG_CACHE_HOME: cacheHome,
  ...(process.env.NODE_DISABLE_COMPILE_CACHE ? { NODE_DISABLE_COMPILE_CACHE: '1' } : {}),
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
    args: [
      bin,
      'sign',
      'GET',
      '/v3/refund/domestic/refunds/123123123123',
      '--timestamp',
      '1554208460',
      '--nonce',
      '593BEC0C930BF1AFEB40B4A08C8FB242',
    ],
  },
];

// CPU time of finished children (user + system), from /proc/self/stat, in clock ticks (usually 100/s). It is
// far steadier than wall time when other work shares the machine; Linux only, else the column is omitted.
const TICK_MS = 10;
function childCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return undefined;
  }
}

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
  const cpu = cases.map(() => 0);
  for (let i = 0; i < runs; i++) {
    cases.forEach((c, j) => {
      const before = childCpuMs();
      times[j].push(once(c.args));
      const after = childCpuMs();
      cpu[j] += before === undefined || after === undefined ? NaN : after - before;
    });
  }
  const base = median(times[0]);
  const hasCpu = cpu.every((x) => !Number.isNaN(x));
  console.log(
    `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}, load average ${os.loadavg()[0].toFixed(2)}; ${runs} runs each after ${warmup} warm-up rounds, interleaved.\n`,
  );
  console.log(
    `| command | median wall (ms) | min wall (ms) | ratio (median wall) |${hasCpu ? ' mean CPU (ms) | ratio (CPU) |' : ''}`,
  );
  console.log(`|---|---:|---:|---:|${hasCpu ? '---:|---:|' : ''}`);
  cases.forEach((c, j) => {
    const cpuCols = hasCpu ? ` ${(cpu[j] / runs).toFixed(1)} | ${(cpu[j] / cpu[0]).toFixed(2)}× |` : '';
    console.log(
      `| ${c.name} | ${median(times[j]).toFixed(1)} | ${Math.min(...times[j]).toFixed(1)} | ${(median(times[j]) / base).toFixed(2)}× |${cpuCols}`,
    );
  });
} finally {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(cacheHome, { recursive: true, force: true });
}
