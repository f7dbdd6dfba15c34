// The one way wxpay writes a file that holds payment data or keys (issue 12, "Safe file writes"): journals,
// result CSVs, bills, certificates, keys, captures, sandbox state, rc files. Use nothing else for those.
//
//   writeFileSafe(file, data) / writeFileSafeSync(file, data)   whole files
//   tempPathFor(file) + commitTemp(temp, file)                  streamed files (bills): open the temp with
//                                                              { flags: 'wx', mode: 0o600 }, then commit
//   openAppendSafe(file, { read? })                             append-only files (journals)
//
// The rules, and why:
// - Mode 0600, set with fchmod as well, so a permissive umask or an older 0644 file never leaks the contents.
// - Whole files go through a temp file in the same folder (rename is atomic only within one filesystem) with an
//   unpredictable name (128 random bits) opened O_CREAT|O_EXCL ('wx'): another local user cannot pre-create it or
//   plant a symlink there, because O_EXCL fails on any existing name, a dangling symlink included. The data is
//   fsynced before the rename and the folder after it, so a crash leaves the old file or the new one, never half.
// - A symlink at the target is refused with FILE_UNSAFE instead of being written through or silently replaced:
//   someone planted it, and the user should know. (rename() itself never follows it, so even a link planted
//   between the check and the rename is replaced, not written through.)
// - Appends open with O_NOFOLLOW, so a symlink (dangling or not) at a journal's path fails instead of
//   redirecting the writes; the file must be a regular file.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';

export const SAFE_FILE_MODE = 0o600;

const unsafe = (file: string, why: string) =>
  new WxpayError('FILE_UNSAFE', `Refusing to write ${file}: ${why}`, {
    hint: 'wxpay never writes through a symbolic link. Remove the link (`rm` it) or choose another path.',
    details: { file },
  });

/** A sibling of `file` with an unpredictable name; create it only with O_EXCL ('wx') and mode 0600. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(16).toString('hex')}.tmp`);
}

const isLink = (st: { isSymbolicLink(): boolean } | undefined) => st?.isSymbolicLink() === true;
const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Fails with FILE_UNSAFE when `file` is a symlink: lets a long download refuse before it starts, not after. */
export async function refuseSymlink(file: string): Promise<void> {
  const st = await lstat(file).catch((e: unknown) => (missing(e) ? undefined : Promise.reject(e)));
  if (isLink(st)) throw unsafe(file, 'it is a symbolic link');
}

function assertNoLinkSync(file: string): void {
  let st;
  try {
    st = lstatSync(file);
  } catch (e) {
    if (!missing(e)) throw e;
  }
  if (isLink(st)) throw unsafe(file, 'it is a symbolic link');
}

/** Makes a folder's new entry durable; some filesystems refuse fsync on a folder, which is fine. */
export async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r').catch(() => undefined);
  await d?.sync().catch(() => undefined);
  await d?.close();
}

/** Renames a finished temp file (from tempPathFor) onto `file`, refusing a symlink there; the temp is removed on failure. */
export async function commitTemp(temp: string, file: string): Promise<void> {
  try {
    await refuseSymlink(file);
    await rename(temp, file);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDir(path.dirname(file));
}

/** Writes `data` to `file` atomically with mode 0600 (see the rules above). */
export async function writeFileSafe(file: string, data: string | Uint8Array): Promise<void> {
  await refuseSymlink(file);
  const temp = tempPathFor(file);
  const fh = await open(temp, 'wx', SAFE_FILE_MODE);
  try {
    await fh.chmod(SAFE_FILE_MODE);
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await commitTemp(temp, file);
}

/** writeFileSafe for the few callers that must stay synchronous (the sandbox's state file). */
export function writeFileSafeSync(file: string, data: string | Uint8Array): void {
  assertNoLinkSync(file);
  const temp = tempPathFor(file);
  const fd = openSync(temp, 'wx', SAFE_FILE_MODE);
  const drop = () => {
    try {
      unlinkSync(temp);
    } catch {
      // never written or already renamed
    }
  };
  try {
    fchmodSync(fd, SAFE_FILE_MODE);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    drop();
    throw e;
  }
  closeSync(fd);
  try {
    assertNoLinkSync(file);
    renameSync(temp, file);
  } catch (e) {
    drop();
    throw e;
  }
}

/**
 * Opens `file` for appending (and reading, with `read: true`), creating it 0600. A symlink at `file`, even a
 * dangling one, fails with FILE_UNSAFE (O_NOFOLLOW), as does anything that is not a regular file. An existing file
 * with a looser mode is tightened to 0600 (best effort: it may belong to someone else).
 */
export async function openAppendSafe(file: string, opts: { read?: boolean } = {}): Promise<FileHandle> {
  const flags =
    constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | (opts.read ? constants.O_RDWR : constants.O_WRONLY);
  let fh: FileHandle;
  try {
    fh = await open(file, flags, SAFE_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw unsafe(file, 'it is a symbolic link');
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw unsafe(file, 'it is not a regular file');
    if ((st.mode & 0o777) !== SAFE_FILE_MODE) await fh.chmod(SAFE_FILE_MODE).catch(() => undefined);
  } catch (e) {
    await fh.close();
    throw e;
  }
  return fh;
}
