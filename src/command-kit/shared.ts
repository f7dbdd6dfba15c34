// Helpers every command uses: the resolved profile, the output, and reading inputs from files or stdin.
import { readFile } from '../files/fs-callbacks.js';
import { loadConfig, type Profile, type ResolvedProfile } from '../config/config.js';
import { WxpayError } from '../protocol/errors.js';
import { makeOutput, type Output } from '../render.js';
import type { CommandContext, Runtime } from '../runtime.js';

export function outputFor(ctx: CommandContext): Output {
  return makeOutput(ctx.rt, { json: ctx.opts.json, color: ctx.opts.color });
}

export function loadProfile(ctx: CommandContext, flags: Profile = {}): Promise<ResolvedProfile> {
  const { opts, rt } = ctx;
  return loadConfig({
    cwd: rt.cwd,
    env: rt.env,
    ...(rt.uid !== undefined ? { uid: rt.uid } : {}),
    ...(opts.config ? { configFile: opts.config } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    flags: { ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...flags },
  });
}

export async function readStdin(rt: Runtime): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of rt.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Reads a file, or stdin for "-". Input errors are usage errors that name the file. */
export async function readInput(rt: Runtime, file: string, what: string): Promise<Buffer> {
  if (file === '-') return readStdin(rt);
  try {
    return await readFile(file.startsWith('/') ? file : `${rt.cwd}/${file}`);
  } catch (cause) {
    throw new WxpayError('USAGE', `Cannot read the ${what} ${file}: ${(cause as Error).message}`, {
      cause,
      hint: 'Check the path.',
    });
  }
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new WxpayError('USAGE', `The ${what} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      hint: 'Pass the JSON exactly as received.',
    });
  }
}

export function intOption(value: string | number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  if (!/^\d+$/.test(s))
    throw new WxpayError('USAGE', `${name} must be a whole number, got "${s}"`, {
      hint: `Pass ${name} as digits only.`,
    });
  return Number(s);
}

/** One answer line from stdin, for a confirmation prompt; leaves stdin paused for whatever reads next. */
export function readLine(rt: Runtime): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      rt.stdin.off('data', onData);
      rt.stdin.off('end', done);
      rt.stdin.pause();
      resolve((buf.split('\n')[0] ?? '').trim());
    };
    rt.stdin.on('data', onData);
    rt.stdin.on('end', done);
  });
}
