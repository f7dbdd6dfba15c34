// `wxpay demo`'s embedded world, all in this one process: a throwaway sandbox key set, the sandbox on a free
// loopback port, `webhook serve`'s server on another, and an API client on the demo profile. The demo profile
// is loaded with an EMPTY environment, so a WXPAY_* variable in the user's shell cannot point it elsewhere.
import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { createClient, type WxpayClient } from '../http/client.js';
import { loadConfig, type ResolvedProfile } from '../config/config.js';
import { loadApiV3Key, loadMerchant, loadVerifierKeys } from '../config/credentials.js';
import { initSandbox, type SandboxInitResult, type SandboxMode } from '../sandbox/keyset.js';
import type { RsaKeyPairMaker } from '../sandbox/key-makers.js';
import { startSandbox, type SandboxHandle } from '../sandbox/server.js';
import type { LiveEvent } from '../webhook/live-line.js';
import { startWebhookServer, type WebhookServer } from '../webhook/server.js';
import { WxpayError } from '../protocol/errors.js';

export const DEMO_NOTIFY_PATH = '/wxpay/notify';

export interface DemoWorld {
  dir: string;
  /** The Runtime's key maker, if it has one (an in-process test run); else sandbox init's fresh keygen. */
  newRsaKeyPair?: RsaKeyPairMaker;
  /** Aborted on Ctrl-C or a closed stdout: key generation still running then writes nothing. */
  signal: AbortSignal;
  init?: SandboxInitResult;
  sandbox?: SandboxHandle;
  webhook?: WebhookServer;
  journalPath: string;
  /** Only with --keep (the hand-run commands need the orders): saving after every change (write, fsync, rename)
   *  into a temp folder removed at the end was ~0.15 s of the demo's ~1.3. */
  statePath?: string;
  profile?: ResolvedProfile;
  client?: WxpayClient;
  events: LiveEvent[];
  /** `webhook serve`'s live events land here. */
  onEvent(e: LiveEvent): void;
  /** Resolves with the first webhook event that matches, or rejects after `ms`. */
  waitForEvent(match: (e: LiveEvent) => boolean, ms: number): Promise<LiveEvent>;
  close(): Promise<void>;
}

interface Waiter {
  match: (e: LiveEvent) => boolean;
  resolve: (e: LiveEvent) => void;
  stop: () => void;
}

/** A wait for a webhook event: resolved by onEvent, rejected by its timer or by close() (the demo was stopped). */
function waitFor(waiters: Set<Waiter>, match: Waiter['match'], ms: number): Promise<LiveEvent> {
  return new Promise((resolve, reject) => {
    const w: Waiter = {
      match,
      resolve: (e) => {
        clearTimeout(timer);
        waiters.delete(w);
        resolve(e);
      },
      stop: () => {
        clearTimeout(timer);
        waiters.delete(w);
        reject(
          new WxpayError('DEMO_INTERRUPTED', 'the demo was stopped', { hint: 'Run wxpay demo again to start over.' }),
        );
      },
    };
    const timer = setTimeout(() => {
      waiters.delete(w);
      reject(
        new WxpayError('TIMEOUT', `no matching notification reached the listener within ${ms} ms`, {
          hint: 'The sandbox sends it right after the payment; on a loaded machine, run wxpay demo again.',
        }),
      );
    }, ms);
    waiters.add(w);
  });
}

export interface WorldOptions {
  signal?: AbortSignal;
  /** The Runtime's key maker (an in-process test run); absent: sandbox init's fresh keygen. */
  newRsaKeyPair?: RsaKeyPairMaker | undefined;
  /** The folder is kept (--keep): the sandbox saves its state there. */
  kept?: boolean;
}

export function newWorld(dir: string, opts: WorldOptions = {}): DemoWorld {
  const { signal = new AbortController().signal, newRsaKeyPair, kept } = opts;
  let closing: Promise<void> = Promise.resolve();
  const waiters = new Set<Waiter>();
  const world: DemoWorld = {
    dir,
    signal,
    ...(newRsaKeyPair ? { newRsaKeyPair } : {}),
    journalPath: path.join(dir, 'webhooks.ndjson'),
    ...(kept ? { statePath: path.join(dir, 'sandbox-state.json') } : {}),
    events: [],
    waitForEvent(match, ms) {
      const seen = world.events.find(match);
      if (seen) return Promise.resolve(seen);
      return waitFor(waiters, match, ms);
    },
    onEvent(e) {
      world.events.push(e);
      for (const w of [...waiters]) if (w.match(e)) w.resolve(e);
    },
    close() {
      // Closes what is open now, after any close still under way. A Ctrl-C may close the world while a step is
      // starting a server: calling close again once that step has settled closes the late one too.
      closing = closing.then(async () => {
        for (const w of [...waiters]) w.stop();
        const { client, webhook, sandbox } = world;
        delete world.client;
        delete world.webhook;
        delete world.sandbox;
        await client?.close();
        await webhook?.close();
        await sandbox?.close();
      });
      return closing;
    },
  };
  return world;
}

/** Only a kept folder (--keep, where the sandbox saves its state) is a whole key set, for `sandbox serve` in any
 *  mode by hand; a throwaway pubkey demo makes no platform certificate, one RSA keygen less (none of its steps
 *  uses one: a merchant on the WeChat Pay public key has none, and /v3/certificates answers it 404). */
const wholeKeySet = (world: DemoWorld) => world.statePath !== undefined;

export async function initKeys(world: DemoWorld, mode: SandboxMode): Promise<SandboxInitResult> {
  const maker = world.newRsaKeyPair;
  world.init = await initSandbox({
    dir: world.dir,
    mode,
    signal: world.signal,
    platformCert: wholeKeySet(world),
    ...(maker ? { newRsaKeyPair: maker } : {}),
  });
  return world.init;
}

/** The sandbox takes any free port; the profile is then rewritten (keys untouched) so its baseUrl is right. */
export async function startDemoSandbox(world: DemoWorld, mode: SandboxMode): Promise<SandboxHandle> {
  // Refunds stay PROCESSING until the demo completes them through the admin API, as a person would.
  // With --keep, orders and refunds are saved in the folder, so the hand-run commands find them after a restart.
  const { statePath } = world;
  world.sandbox = await startSandbox({
    dir: world.dir,
    port: 0,
    mode,
    autoRefundMs: -1,
    ...(statePath ? { statePath } : {}),
  });
  const { port } = world.sandbox;
  world.init = await initSandbox({
    dir: world.dir,
    mode,
    port,
    signal: world.signal,
    platformCert: wholeKeySet(world),
  });
  world.profile = await loadConfig({ cwd: world.dir, env: {}, configFile: world.init.rcPath });
  return world.sandbox;
}

export async function startDemoWebhook(world: DemoWorld): Promise<WebhookServer> {
  const profile = world.profile!;
  world.webhook = await startWebhookServer({
    port: 0,
    path: DEMO_NOTIFY_PATH,
    keys: await loadVerifierKeys(profile),
    apiV3Key: await loadApiV3Key(profile, {}),
    journalPath: world.journalPath,
    onEvent: (e) => world.onEvent(e),
  });
  return world.webhook;
}

/** The same client the operator commands build, on the demo profile (one attempt: the sandbox is local). */
export async function demoClient(world: DemoWorld): Promise<WxpayClient> {
  const profile = world.profile!;
  const apiV3Key: KeyObject = await loadApiV3Key(profile, {});
  world.client ??= createClient({
    baseUrl: profile.baseUrl,
    merchant: await loadMerchant(profile),
    keys: await loadVerifierKeys(profile),
    apiV3Key,
    ...(profile.publicKeyId ? { publicKeyId: profile.publicKeyId } : {}),
    userAgent: 'wxpay-demo',
    maxAttempts: 1,
  });
  return world.client;
}
