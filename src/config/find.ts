/** Finding config files (no validation: cheap enough to run on every start). */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Config file names, in the order they are looked for. */
export const CONFIG_NAMES = ['.daemonlint.yaml', '.daemonlint.yml', '.daemonlint.json'] as const;

/** A config problem: one line, naming the file, the line and the key. */
export class ConfigError extends Error {}

/** The config file that applies to a directory: the nearest one upward, stopping at the repository root. */
export function findConfigFile(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const found = CONFIG_NAMES.map((n) => join(current, n)).filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (found.length > 1) throw new ConfigError(`${current}: both ${found.map((f) => f.slice(current.length + 1)).join(' and ')}; keep one config file per directory`);
    if (found.length === 1) return found[0];
    if (existsSync(join(current, '.git'))) return undefined;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
