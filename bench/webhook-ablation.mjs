// Where `webhook serve`'s callbacks go between the bare verify+decrypt handler (bench/webhook-bare.mjs) and the real
// listener: the same pre-signed callbacks against servers built up one layer at a time from the listener's own
// modules, closed loop at 32 connections after a warm-up (BENCH_WARM), each server's req/s and CPU per callback (its
// main thread, and all its threads: GC helpers and the fsync thread pool), layers interleaved round by round. Issue
// 18's 90% goal compares the last layer with the first. On a busy machine, run it under `chrt -f 10` so the servers
// and the load get the CPU first.
// Usage: node bench/webhook-ablation.mjs [rounds=3] [callbacks per server=5000]. Needs a build (dist/).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = {
  bare: 'node:http, chunks concatenated, verifyAndDecrypt (bench/webhook-bare.mjs)',
  limits: "+ the listener's HTTP limits, body budget and header normalizing",
  handler: '+ createHandler: dedup, journal entry and live-line facts (journal discards)',
  line: "+ each entry serialized as the journal's NDJSON line (no write)",
  journal: '+ the real journal: group-committed write + fsync before each answer',
  serve: '`wxpay webhook serve --json` itself (the CLI process, live lines on stdout)',
};

/** The server of one layer, in this (child) process; prints its URL. */
async function serveLayer(layer, sbDir, journalFile) {
  const { createKeyStore } = await import('../dist/protocol/keys.js');
  const { verifyAndDecrypt } = await import('../dist/protocol/notification.js');
  const { loadSandboxKeys } = await import('../dist/sandbox/keyset.js');
  const { httpServerOptions, applyHttpLimits, resolveHttpLimits } = await import('../dist/http/limits.js');
  const { WEBHOOK_LIMITS, DEFAULT_MAX_INFLIGHT_BYTES } = await import('../dist/webhook/server.js');
  const { readBudgetedBody, BodyBudget } = await import('../dist/webhook/body-budget.js');
  const { normalizeHeaders } = await import('../dist/protocol/headers.js');
  const { createHandler } = await import('../dist/webhook/handler.js');
  const { openJournal } = await import('../dist/webhook/journal.js');
  const sb = await loadSandboxKeys(sbDir);
  const keys = createKeyStore([[sb.publicKeyId, sb.publicKey]]);
  const limits = resolveHttpLimits(WEBHOOK_LIMITS, {});
  const discard = { path: '-', append: async () => undefined, close: async () => undefined };
  const serializeOnly = { ...discard, append: async (e) => void Buffer.from(`${JSON.stringify(e)}\n`) };
  const journal =
    { handler: discard, line: serializeOnly }[layer] ??
    (layer === 'journal' ? await openJournal(journalFile) : undefined);
  const handle = journal
    ? createHandler({
        keys,
        apiV3Key: sb.apiV3Key,
        now: Date.now,
        journal,
        seen: new Set(),
        onEvent: () => {},
        track: () => {},
      })
    : undefined;
  const verifyOnly = (headers, body) => {
    try {
      verifyAndDecrypt({ headers, rawBody: body, keys, apiV3Key: sb.apiV3Key, now: Math.floor(Date.now() / 1000) });
      return { status: 204 };
    } catch {
      return { status: 401 };
    }
  };
  const answer = async (req, body) => {
    if (!handle) return verifyOnly(layer === 'bare' ? req.headers : normalizeHeaders(req.headers), body);
    const incoming = { method: 'POST', path: req.url, headers: normalizeHeaders(req.headers), rawBody: body };
    return handle({ ...incoming, receivedAt: new Date().toISOString(), remote: req.socket.remoteAddress });
  };
  const budget = new BodyBudget(DEFAULT_MAX_INFLIGHT_BYTES);
  const listener = (req, res) => {
    const reply = (body) => answer(req, body).then((r) => res.writeHead(r.status).end(r.body));
    if (layer !== 'bare') return void readBudgetedBody(req, limits.maxBodyBytes, budget).then(reply);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => reply(Buffer.concat(chunks)));
  };
  const server = layer === 'bare' ? createServer(listener) : createServer(httpServerOptions(limits), listener);
  if (layer !== 'bare') applyHttpLimits(server, limits);
  server.listen(0, '127.0.0.1', () =>
    console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/` })),
  );
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Callbacks at full concurrency before each measured pass (BENCH_WARM=0: straight after start, as before). */
const WARM = Number(process.env.BENCH_WARM ?? 10000);

/** user + system ms of one thread (`tid`) or the whole process, from /proc. */
const cpuMs = (pid, tid) => {
  const f = readFileSync(tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

async function measure(server, notes) {
  const u = new URL(server.url);
  const client = new Pool(u.origin, { connections: 32, pipelining: 1 });
  let next = 0;
  let failed = 0;
  const send = async () => {
    const n = notes[next++];
    const r = await client.request({ path: u.pathname, method: 'POST', headers: n.headers, body: n.body });
    await r.body.dump();
    if (r.statusCode !== 204) failed++;
  };
  for (let i = 0; i < 200; i++) await send(); // the first requests one at a time
  // Then WARM more at full concurrency, so the measured pass finds V8's compiles done. Every callback is a new
  // event to the server (a repeat would take the cheaper duplicate path); the warm-up's failures count too.
  const workers = (end) =>
    Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < end) await send();
      }),
    );
  await workers(200 + WARM);
  const pid = server.child.pid;
  const [main0, all0, t0, n0] = [cpuMs(pid, pid), cpuMs(pid), performance.now(), next];
  await workers(notes.length);
  const done = next - n0;
  const row = {
    rps: Math.round(done / ((performance.now() - t0) / 1000)),
    mainUs: Math.round(((cpuMs(pid, pid) - main0) * 1000) / done),
    allUs: Math.round(((cpuMs(pid) - all0) * 1000) / done),
    failed,
  };
  await client.close();
  return row;
}

async function drive(rounds, per) {
  const { initSandbox, loadSandboxKeys } = await import('../dist/sandbox/keyset.js');
  const { serveArgs, signNotifications, startServer } = await import('./webhook-load.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-ablation-'));
  try {
    const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
    const names = Object.keys(LAYERS);
    // One set for every server: each is a process of its own, to which every callback of the set is new.
    const pool = signNotifications(await loadSandboxKeys(init.dir), 200 + WARM + per);
    const rows = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < rounds; r++) {
      for (const name of names) {
        const journal = path.join(dir, `${name}-${r}.ndjson`);
        const args =
          name === 'serve'
            ? serveArgs(root, init.rcPath, ['--journal', journal])
            : [fileURLToPath(import.meta.url), 'serve', name, init.dir, journal];
        const server = await startServer(args, { cwd: dir });
        rows[name].push(await measure(server, pool));
        server.child.kill('SIGTERM');
        await new Promise((q) => server.child.once('exit', q));
      }
    }
    const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const bare = med(rows.bare.map((x) => x.rps));
    console.log(
      '| layer | what it adds | req/s (median) | of bare | main thread µs/req | all threads µs/req | not 204 |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|');
    for (const n of names) {
      const rps = med(rows[n].map((x) => x.rps));
      const cells = [n, LAYERS[n], rps, `${Math.round((rps / bare) * 100)}%`];
      cells.push(
        med(rows[n].map((x) => x.mainUs)),
        med(rows[n].map((x) => x.allUs)),
        rows[n].reduce((s, x) => s + x.failed, 0),
      );
      console.log(`| ${cells.join(' | ')} |`);
    }
    console.log(
      `\n${rounds} rounds, ${per} callbacks per server, c=32; ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') await serveLayer(process.argv[3], process.argv[4], process.argv[5]);
else await drive(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 5000));
