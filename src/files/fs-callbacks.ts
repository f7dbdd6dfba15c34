// Promise forms of the few file-system reads that config discovery, credentials and command inputs make, over
// node:fs's callback API: importing node:fs/promises loads readline, the watchers and the stream machinery with it,
// about 7% of an offline `wxpay sign` start (BENCHMARKS.md, cold start), to read a few small files. Same results and
// the same errors (code, syscall, path, message) as the node:fs/promises functions of the same names.
import { lstat as lstatCb, readFile as readFileCb, readdir as readdirCb, readlink as readlinkCb } from 'node:fs';
import { stat as statCb, type Stats } from 'node:fs';

type Callback<T> = (err: NodeJS.ErrnoException | null, value: T) => void;

/** A promise settled by a node-style callback. */
function called<T>(start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

export const readFile = (file: string): Promise<Buffer> => called((cb) => readFileCb(file, cb));
export const readdir = (dir: string): Promise<string[]> => called((cb) => readdirCb(dir, cb));
export const stat = (file: string): Promise<Stats> => called((cb) => statCb(file, cb));
export const lstat = (file: string): Promise<Stats> => called((cb) => lstatCb(file, cb));
export const readlink = (file: string): Promise<string> => called((cb) => readlinkCb(file, cb));
