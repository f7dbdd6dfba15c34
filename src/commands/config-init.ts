// `wxpay config init`: writes a starter rc file from flags or, on a TTY, from prompts. It derives the serial
// from the certificate, writes only paths and references (never a key), and ends with `config check`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig, type Profile } from '../config/config.js';
import { assertSafeConfigFile, currentUid } from '../config/safety.js';
import { readKeyFile } from '../config/credentials.js';
import { runConfigChecks, type CheckResult } from '../diagnostics/doctor.js';
import { WxpayError } from '../protocol/errors.js';
import { parseCertificate } from '../protocol/keys.js';
import { writeFileSafe } from '../files/safe-write.js';
import type { CommandContext } from '../runtime.js';
import type { ConfigInitOptions } from '../cli/config.js';
import { printChecks } from '../command-kit/print-checks.js';
import { outputFor } from '../command-kit/shared.js';

/** The flags a TTY prompt may fill in (all plain strings). */
type Prompted = 'mchid' | 'appid' | 'privateKey' | 'cert' | 'publicKeyId' | 'publicKey' | 'apiv3KeyFile';

const QUESTIONS: Array<[Prompted, string, boolean]> = [
  ['mchid', 'Merchant ID (mchid)', true],
  ['appid', 'AppID (optional)', false],
  ['privateKey', 'Path to apiclient_key.pem', true],
  ['cert', 'Path to apiclient_cert.pem', true],
  ['publicKeyId', 'WeChat Pay public key ID, PUB_KEY_ID_… (empty for platform-certificate mode)', false],
  ['publicKey', 'Path to pub_key.pem (public-key mode)', false],
  ['apiv3KeyFile', 'Path to a file holding the APIv3 key (empty: read env WXPAY_APIV3_KEY)', false],
];

async function ask(ctx: CommandContext<ConfigInitOptions>, opts: ConfigInitOptions): Promise<ConfigInitOptions> {
  const rl = createInterface({ input: ctx.rt.stdin, output: ctx.rt.stderr });
  try {
    const answers: ConfigInitOptions = { ...opts };
    for (const [key, question, required] of QUESTIONS) {
      if (answers[key] !== undefined) continue;
      if (key === 'publicKey' && !answers.publicKeyId) continue;
      // Ctrl+D / a closed stdin aborts the prompt: that is the user's answer, not a bug in wxpay.
      const a = (
        await rl.question(`${question}: `).catch((cause: unknown) => {
          throw new WxpayError('USAGE', 'config init was cancelled at a prompt', {
            cause,
            hint: 'Answer the questions, or pass every value as a flag.',
          });
        })
      ).trim();
      if (a) answers[key] = a;
      else if (required)
        throw new WxpayError('USAGE', `${question} is required`, {
          hint: 'Run again and answer, or pass it as a flag.',
        });
    }
    return answers;
  } finally {
    rl.close();
  }
}

/** Would the search accept the file? A folder others can write makes it refuse the file later. */
async function trustCheck(file: string): Promise<CheckResult> {
  return assertSafeConfigFile(file, currentUid()).then(
    (): CheckResult => ({
      name: 'rc file',
      status: 'pass',
      message: `${file} (mode 0600) and its folder are yours and writable only by you`,
    }),
    (err: unknown): CheckResult => {
      const e = err as WxpayError;
      return { name: 'rc file', status: 'fail', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    },
  );
}

export async function run(ctx: CommandContext<ConfigInitOptions>): Promise<void> {
  const { rt } = ctx;
  const interactive = Boolean(rt.stdin.isTTY) && !ctx.opts.json;
  const opts = interactive ? await ask(ctx, ctx.opts) : ctx.opts;
  checkRequired(opts);
  const file = path.resolve(rt.cwd, opts.output);
  const { profile, serial } = await profileFromFlags(opts, rt.cwd, path.dirname(file));
  const { name } = opts;
  await writeProfile(file, name, profile, Boolean(opts.force));

  const resolved = await loadConfig({ cwd: rt.cwd, env: rt.env, configFile: file, profile: name });
  const checks = [await trustCheck(file), ...(await runConfigChecks(resolved, rt.env, rt.now()))];
  const out = outputFor(ctx);
  const failed = checks.filter((c) => c.status === 'fail');
  if (out.json) out.data({ rcPath: file, profile: name, serialNo: serial, ok: failed.length === 0, checks });
  else {
    out.line(`wrote ${file} (profile "${name}", serial ${serial} from the certificate)`);
    printChecks(out, checks);
  }
  if (failed.length) {
    throw new WxpayError('CONFIG_CHECK_FAILED', `The rc file was written, but ${failed.length} check(s) failed`, {
      hint: failed[0]?.hint ?? 'See the checks above.',
    });
  }
}

function checkRequired(opts: ConfigInitOptions): void {
  const missing = (['mchid', 'privateKey', 'cert'] as const).filter((k) => !opts[k]);
  if (missing.length) {
    throw new WxpayError(
      'USAGE',
      `Missing ${missing.map((m) => `--${m.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
      {
        hint: 'Example: wxpay config init --mchid 1900007291 --private-key apiclient_key.pem --cert apiclient_cert.pem --public-key-id PUB_KEY_ID_… --public-key pub_key.pem',
      },
    );
  }
  if (Boolean(opts.publicKeyId) !== Boolean(opts.publicKey)) {
    throw new WxpayError('USAGE', '--public-key-id and --public-key go together', {
      hint: 'Give both for public-key mode, or --platform-cert-dir for platform-certificate mode.',
    });
  }
}

/** The profile to write: paths relative to the rc file's folder (so the pair can move together), serial from the certificate. */
async function profileFromFlags(
  opts: ConfigInitOptions,
  cwd: string,
  dir: string,
): Promise<{ profile: Profile; serial: string }> {
  const rel = (p: string) => {
    const r = path.relative(dir, path.resolve(cwd, p));
    return r.startsWith('.') || path.isAbsolute(r) ? r : `./${r}`;
  };
  const cert = parseCertificate(
    await readKeyFile(path.resolve(cwd, opts.cert!), 'merchant certificate'),
    'merchant certificate',
  );
  const profile: Profile = {
    mchid: opts.mchid!,
    ...(opts.appid ? { appid: opts.appid } : {}),
    serialNo: cert.serial,
    privateKeyPath: rel(opts.privateKey!),
    merchantCertPath: rel(opts.cert!),
    apiV3Key: opts.apiv3KeyFile ? `file:${rel(opts.apiv3KeyFile)}` : `env:${opts.apiv3KeyEnv ?? 'WXPAY_APIV3_KEY'}`,
    ...(opts.publicKeyId ? { publicKeyId: opts.publicKeyId, publicKeyPath: rel(opts.publicKey!) } : {}),
    ...(opts.platformCertDir ? { platformCertDir: rel(opts.platformCertDir) } : {}),
    ...(opts.notifyUrl ? { notifyUrl: opts.notifyUrl } : {}),
  };
  return { profile, serial: cert.serial };
}

/** Adds the profile to the rc file (a new one, or one with other profiles); replaces a same-named one only with --force. */
async function writeProfile(file: string, name: string, profile: Profile, force: boolean): Promise<void> {
  const existing = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as { defaultProfile?: string; profiles?: Record<string, Profile> })
    : undefined;
  if (existing && !existing.profiles)
    throw new WxpayError('USAGE', `${file} exists and holds a flat profile`, {
      hint: 'Choose another --output, or move it into {"profiles": {...}}.',
    });
  if (existing?.profiles?.[name] && !force)
    throw new WxpayError('USAGE', `Profile "${name}" already exists in ${file}`, {
      hint: 'Pass --force to replace it, or --name for another profile.',
    });
  const rc = {
    defaultProfile: existing?.defaultProfile ?? name,
    profiles: { ...(existing?.profiles ?? {}), [name]: profile },
  };
  // 0600 whatever the umask: the search refuses an rc file that group or others can write (config-safety.ts).
  await writeFileSafe(file, `${JSON.stringify(rc, null, 2)}\n`);
}
