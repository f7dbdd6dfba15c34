// Which discovered rc files wxpay trusts, the way git trusts a repository (safe.directory, CVE-2022-24765):
// a file found by searching is used only when it and its folder belong to the current user and nobody else can
// write them. Otherwise anyone who can write that folder (a shared /tmp, a cloned repository, another account)
// would choose where wxpay sends requests signed with the merchant key. A file named with --config is trusted.
import { realpathSync } from 'node:fs';
import { lstat, readlink, stat } from '../files/fs-callbacks.js';
import os from 'node:os';
import path from 'node:path';
import { WxpayError } from '../protocol/errors.js';

/**
 * The current user's uid; undefined where there is none (Windows), which skips the ownership check. os.userInfo()
 * throws when the uid has no passwd entry (`docker run --user 1001`), so callers that can should pass the uid in
 * (the CLI passes process.getuid() through Runtime.uid); core reads no process state itself.
 */
export function currentUid(): number | undefined {
  try {
    const { uid } = os.userInfo();
    return uid >= 0 ? uid : undefined;
  } catch {
    return undefined; // no passwd entry for this uid: the caller's uid, if given, is used instead
  }
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

const isInside = (dir: string, parent: string): boolean => {
  const rel = path.relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * The folders searched, nearest first: from cwd upward, ending at home, and never a folder above home (`/`,
 * `/home`): those are shared with other users. Outside home the search ends below the first folder above home.
 */
export function searchFolders(cwd: string, home: string): string[] {
  const top = real(home);
  const dirs: string[] = [];
  for (let dir = real(cwd); ; dir = path.dirname(dir)) {
    if (dir !== top && isInside(top, dir)) break; // dir is above home
    dirs.push(dir);
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return dirs;
}

function mode(m: number): string {
  return (m & 0o7777).toString(8).padStart(4, '0');
}

/** Why `target` may not be trusted, or undefined when it may. */
async function problem(target: string, uid: number | undefined): Promise<{ what: string; fix: string } | undefined> {
  const st = await stat(target);
  if (uid !== undefined && st.uid !== uid) {
    return { what: `${target} is owned by uid ${st.uid}, not by you (uid ${uid})`, fix: `chown ${uid} ${target}` };
  }
  // Windows reports no group/other bits worth reading (every file looks 0666).
  if (os.platform() !== 'win32' && st.mode & 0o022)
    return { what: `${target} is writable by group or others (mode ${mode(st.mode)})`, fix: `chmod go-w ${target}` };
  return undefined;
}

/**
 * The folders holding each further link of a symlinked rc, and the real file. Whoever can write one of them can
 * point the chain elsewhere, even between cosmiconfig's read and this check; so each must be safe too. A link
 * into your own dotfiles folder passes; a link into a shared folder does not.
 */
async function linkFolders(file: string): Promise<string[]> {
  const folders: string[] = [];
  let at = file;
  for (let hops = 0; hops < 40 && (await lstat(at)).isSymbolicLink(); hops += 1) {
    at = path.resolve(path.dirname(at), await readlink(at));
    folders.push(real(path.dirname(at)));
  }
  return folders;
}

/**
 * CONFIG_UNSAFE unless the discovered file, its folder and the folder of every link to it are the user's own and
 * writable by nobody else.
 */
export async function assertSafeConfigFile(file: string, uid: number | undefined): Promise<void> {
  for (const target of new Set([file, path.dirname(file), ...(await linkFolders(file))])) {
    const p = await problem(target, uid);
    if (!p) continue;
    throw new WxpayError('CONFIG_UNSAFE', `Refusing the rc file ${file}: ${p.what}`, {
      hint: `Anyone who can write it could redirect your signed requests. If the file is yours, run \`${p.fix}\`; or take it explicitly with --config ${file}.`,
      details: { file, target },
    });
  }
}

/**
 * CONFIG_UNSAFE before cosmiconfig reads a folder's rc files, for any that is not a regular file: a repository can
 * ship a link to /dev/zero (read until memory runs out), /dev/tty or /dev/stdin (blocks shell completion), and
 * the checks above run only after the read. Folders are left to cosmiconfig, which skips them. Returns whether any
 * candidate is there at all, so a folder with none is not handed to cosmiconfig (nor cosmiconfig loaded).
 */
export async function assertPlainCandidates(dir: string, places: readonly string[]): Promise<boolean> {
  let found = false;
  for (const place of places) {
    const file = path.join(dir, place);
    let st;
    try {
      st = await stat(file);
    } catch (cause) {
      // Only a missing file is no candidate; any other error is cosmiconfig's to report when it reads.
      found ||= !['ENOENT', 'ENOTDIR'].includes((cause as NodeJS.ErrnoException).code ?? '');
      continue;
    }
    found = true;
    if (st.isFile() || st.isDirectory()) continue;
    throw new WxpayError('CONFIG_UNSAFE', `Refusing the rc file ${file}: it is not a regular file`, {
      hint: `An rc file is plain JSON or YAML. Remove ${file} (a link to a device or a pipe), or name the file to use with --config.`,
      details: { file },
    });
  }
  return found;
}
