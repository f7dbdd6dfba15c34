// One batch process per journal: two runs over the same journal would each plan the same rows as unsent.
// The lock is a `<journal>.lock` file holding the owner's pid, created exclusively. A lock left behind by
// a killed process (its pid is gone) is taken over, so a crash never blocks the resume it is meant for.
import { open, readFile, unlink } from 'node:fs/promises';
import { WxpayError } from '../core/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface JournalLock {
  release(): Promise<void>;
}

export async function lockJournal(journalFile: string, pid = process.pid): Promise<JournalLock> {
  const lockFile = `${journalFile}.lock`;
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fh = await open(lockFile, 'wx');
      await fh.writeFile(`${pid}\n`);
      await fh.sync();
      await fh.close();
      return { release: () => unlink(lockFile).catch(() => undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WxpayError('BATCH_JOURNAL_WRITE', `Cannot create ${lockFile}: ${(e as Error).message}`, { cause: e, hint: 'Check that the journal folder is writable.' });
      }
    }
    const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== pid && alive(owner)) {
      throw new WxpayError('BATCH_JOURNAL_CONFLICT', `Another wxpay batch (pid ${owner}) is using the journal ${journalFile}`, {
        hint: `Wait for it to finish (or stop it with Ctrl-C), then rerun. If no such process is running, delete ${lockFile}.`,
      });
    }
    await unlink(lockFile).catch(() => undefined);
  }
  throw new WxpayError('BATCH_JOURNAL_CONFLICT', `Could not take the lock ${lockFile}`, { hint: `Another batch keeps taking it; make sure only one runs on ${journalFile}.` });
}
