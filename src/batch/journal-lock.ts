// One batch process per journal: two runs over the same journal would each plan the same rows as unsent.
// The lock is a `<journal>.lock` file holding the owner's pid. It is created whole and atomically: the pid is
// written to a private temp file first, which is then link()ed to the lock name (link fails if the name
// exists, so exactly one process wins and no reader ever sees an empty lock).
//
// A lock whose owner is dead (gone, or a zombie: killed and not yet reaped) is taken over, so a crash never
// blocks the resume it is meant for. Taking over must not race: "read the pid, see it dead, unlink, create"
// lets a second racer unlink the lock the first has just created. So a stale file may only be unlinked by
// the holder of its claim, `<file>.claim-<inode>`, itself created by link(). Holding the claim, the remover
// re-opens the file and checks the inode and the owner again; nobody else can unlink that inode meanwhile,
// because that needs the same claim. A claim left by a remover that died is removed the same way, one level up.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, unlink, writeFile } from 'node:fs/promises';
import { WxpayError } from '../protocol/errors.js';

/** Whether `pid` is a live process. A zombie (state Z in /proc/<pid>/stat on Linux) has exited: dead. Synchronous
 *  (one small read of /proc), so the test suite's synchronous set-up can ask it too (test/helpers/temp-base.ts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc here (not Linux): kill(pid, 0) said it exists
  }
  // "pid (comm) S ...": comm may itself contain ") ", so the state is the field after the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

export interface JournalLock {
  release(): Promise<void>;
}

type Removal = 'removed' | 'gone' | 'alive' | 'busy';

const MAX_CLAIM_DEPTH = 3;

/** Links a new file holding `pid` at `target`; false if `target` exists. */
async function createExclusive(target: string, pid: number): Promise<boolean> {
  const tmp = `${target}.${pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, `${pid}\n`, { flag: 'wx' });
  try {
    await link(tmp, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The owner pid and inode of a lock-like file, or undefined if it does not exist. */
async function inspect(file: string): Promise<{ pid: number; ino: number } | undefined> {
  const fh = await open(file, 'r').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return undefined;
  try {
    const [{ ino }, text] = await Promise.all([fh.stat(), fh.readFile('utf8')]);
    return { pid: Number(text.trim()), ino };
  } finally {
    await fh.close();
  }
}

const ownerDead = (pid: number, self: number): boolean =>
  !Number.isInteger(pid) || pid <= 0 || pid === self || !processAlive(pid);

/** Unlinks `file` if its owner is dead, safely against any number of concurrent removers. */
async function removeIfStale(file: string, self: number, depth = 0): Promise<Removal> {
  const seen = await inspect(file);
  if (!seen) return 'gone';
  if (!ownerDead(seen.pid, self)) return 'alive';
  const claim = `${file}.claim-${seen.ino}`;
  let claimed = await createExclusive(claim, self);
  if (!claimed) {
    if (depth >= MAX_CLAIM_DEPTH) return 'busy';
    const r = await removeIfStale(claim, self, depth + 1);
    if (r === 'alive' || r === 'busy') return 'busy';
    claimed = await createExclusive(claim, self);
    if (!claimed) return 'busy';
  }
  try {
    // Holding the claim on this inode: it cannot be unlinked by anyone else until we let go.
    const now = await inspect(file);
    if (!now || now.ino !== seen.ino) return 'gone';
    if (!ownerDead(now.pid, self)) return 'alive';
    await unlink(file);
    return 'removed';
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

export async function lockJournal(journalFile: string, pid = process.pid): Promise<JournalLock> {
  const lockFile = `${journalFile}.lock`;
  for (let tries = 0; tries < 50; tries++) {
    let won: boolean;
    try {
      won = await createExclusive(lockFile, pid);
    } catch (e) {
      throw new WxpayError('BATCH_JOURNAL_WRITE', `Cannot create ${lockFile}: ${(e as Error).message}`, {
        cause: e,
        hint: 'Check that the journal folder is writable.',
      });
    }
    if (won) return { release: () => releaseLock(lockFile, pid) };
    const r = await removeIfStale(lockFile, pid);
    if (r === 'alive') {
      const owner = (await inspect(lockFile))?.pid;
      throw new WxpayError(
        'BATCH_JOURNAL_CONFLICT',
        `Another wxpay batch (pid ${owner ?? '?'}) is using the journal ${journalFile}`,
        {
          hint: `Wait for it to finish (or stop it with Ctrl-C), then rerun the same command. Do not start the batch on another journal meanwhile: both would send the same refunds.`,
        },
      );
    }
    // 'busy': another process is taking over a stale lock right now; its claim is gone in microseconds.
    if (r === 'busy') await new Promise((res) => setTimeout(res, 5 + Math.random() * 20));
  }
  throw new WxpayError('BATCH_JOURNAL_CONFLICT', `Could not take the lock ${lockFile}`, {
    hint: `Another batch keeps taking it; make sure only one runs on ${journalFile}.`,
  });
}

async function releaseLock(lockFile: string, pid: number): Promise<void> {
  // Only our own lock: never unlink one a later run has taken over.
  if ((await inspect(lockFile).catch(() => undefined))?.pid === pid) await unlink(lockFile).catch(() => undefined);
}
