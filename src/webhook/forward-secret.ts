// The forward secret lives beside the journal (`<journal>.forward-secret`, mode 0600): generated on first use, read on every
// later start, so the app keeps one secret across restarts and `notify replay --forward` signs with the same one.
import { lstat, readFile } from 'node:fs/promises';
import { WxpayError } from '../protocol/errors.js';
import { writeFileSafe } from '../files/safe-write.js';
import { newForwardSecret } from './signing.js';

export const secretPathFor = (journalPath: string): string => `${journalPath}.forward-secret`;

/** Reads the secret beside `journalPath`; undefined when there is none yet. */
export async function readForwardSecret(journalPath: string): Promise<string | undefined> {
  const file = secretPathFor(journalPath);
  try {
    if ((await lstat(file)).isSymbolicLink())
      throw new WxpayError('FILE_UNSAFE', `Refusing to read ${file}: it is a symbolic link`, {
        hint: 'Remove the link; wxpay keeps the forward secret in a regular 0600 file.',
      });
    const text = (await readFile(file, 'utf8')).trim();
    if (!text.startsWith('whsec_'))
      throw new WxpayError('CONFIG_INVALID', `${file} does not hold a whsec_ secret`, {
        hint: 'Delete it to generate a new one (and give the new one to the app).',
      });
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The secret beside `journalPath`, generated and stored (0600) on first use. */
export async function forwardSecret(journalPath: string): Promise<{ secret: string; file: string; created: boolean }> {
  const file = secretPathFor(journalPath);
  const existing = await readForwardSecret(journalPath);
  if (existing) return { secret: existing, file, created: false };
  const secret = newForwardSecret();
  await writeFileSafe(file, `${secret}\n`);
  return { secret, file, created: true };
}
