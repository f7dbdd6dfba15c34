// `wxpay sandbox serve`: runs the simulator until SIGINT/SIGTERM; a startup line, then one line per request
// (NDJSON events with --json).
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';
import { readSandboxFile } from '../sandbox/keyset-files.js';
import { startSandbox } from '../sandbox/server.js';
import type { CommandContext } from '../runtime.js';
import type { SandboxServeOptions } from '../cli/sandbox.js';
import { sandboxMode } from './sandbox-init.js';
import { outputFor } from '../command-kit/shared.js';
import { serveOptions } from '../command-kit/sandbox-serve-options.js';

export async function run(ctx: CommandContext<SandboxServeOptions>): Promise<void> {
  const { opts, rt } = ctx;
  const out = outputFor(ctx);
  const dir = path.resolve(rt.cwd, opts.dir);
  const file = await readSandboxFile(dir);
  if (!file)
    throw new WxpayError('CONFIG_NOT_FOUND', `No sandbox key set in ${dir}`, {
      hint: `Run: wxpay sandbox init --dir ${opts.dir}`,
    });
  const mode = sandboxMode(opts.mode) ?? file.mode;
  const sb = await startSandbox({
    ...serveOptions(opts, rt, dir, file),
    mode,
    onRequest: opts.quiet
      ? undefined
      : (e) =>
          out.json
            ? out.event({ type: 'request', ...e })
            : out.line(`${e.time} ${e.method} ${e.url} ${e.status}${e.code ? ` ${e.code}` : ''} ${e.ms}ms`),
    onError: (err) => out.warn(`sandbox handler failed: ${(err as Error).stack ?? String(err)}`),
  });
  // The profile's baseUrl carries the port `sandbox init` chose; on another port the hint says so.
  const rcPath = path.join(dir, '.wxpayrc.json');
  const profileHint = `wxpay --config ${rcPath}${sb.url === `http://127.0.0.1:${file.port}` ? '' : ` --base-url ${sb.url}`}`;
  const started = {
    type: 'listening',
    url: sb.url,
    // The dashboard link carries this process's token: whoever has it can drive this sandbox from a browser.
    ui: sb.uiUrl,
    mode,
    mchid: file.mchid,
    ...(sb.merchants.length > 1 ? { merchants: sb.merchants.map((c) => c.keys.mchid) } : {}),
    appid: file.appid,
    dir,
    rcPath,
    profile: profileHint,
  };
  // `sandbox serve --json | head -1` closes stdout: keep serving and drop the request lines.
  const offClosed = rt.onStdoutClosed?.(() => undefined);
  if (out.json) out.event(started);
  else {
    out.line(
      `wxpay sandbox listening on ${sb.url} (mode ${mode}, mchid ${sb.merchants.map((c) => c.keys.mchid).join(', ')}) — profile: ${profileHint}`,
    );
    out.line(`dashboard: ${sb.uiUrl}`);
  }
  await new Promise<void>((resolve) => {
    const off = rt.onSignal((signal) => {
      off();
      offClosed?.();
      void sb.close().then(() => {
        if (out.json) out.event({ type: 'stopped', signal });
        else out.note(`${signal}: sandbox stopped`);
        resolve();
      });
    });
  });
}
