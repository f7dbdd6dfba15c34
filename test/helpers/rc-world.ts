// A fresh fake home for rc-search tests: each call makes <root>/wN/home (0700) with a project two levels down
// (home/shop/src), and an env whose HOME and XDG_CONFIG_HOME point into it.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './fixtures.js';

export interface RcWorld {
  top: string;
  home: string;
  project: string;
  env: Record<string, string>;
}

export function rcWorlds(prefix: string): () => RcWorld {
  const root = tempDir(prefix);
  let n = 0;
  return () => {
    const top = path.join(root, `w${++n}`);
    const home = path.join(top, 'home');
    const project = path.join(home, 'shop', 'src');
    mkdirSync(project, { recursive: true, mode: 0o700 });
    chmodSync(top, 0o755);
    return { top, home, project, env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') } };
  };
}
