/**
 * Real clients some tests drive (Neovim, pre-commit, Chromium, kubectl). A test that needs one runs when it is
 * installed and is skipped with a one-line reason otherwise; with CI=true a missing client is a failure, because CI
 * (.ci/run) installs every one of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export type ClientName = 'nvim' | 'pre-commit' | 'chromium' | 'kubectl';

interface ClientSpec {
  /** Executables tried in order (absolute paths or names on PATH). */
  candidates: string[];
  /** Arguments that make the client print its version and exit 0. */
  versionArgs: string[];
  /** How to get it (Debian package). */
  install: string;
}

const SPECS: Record<ClientName, ClientSpec> = {
  nvim: { candidates: ['nvim'], versionArgs: ['--version'], install: 'apt-get install neovim' },
  'pre-commit': { candidates: ['pre-commit'], versionArgs: ['--version'], install: 'apt-get install pre-commit' },
  chromium: {
    candidates: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'],
    versionArgs: ['--version'],
    install: 'apt-get install chromium',
  },
  kubectl: { candidates: ['kubectl'], versionArgs: ['version', '--client'], install: 'apt-get install kubernetes-client' },
};

export interface Client {
  name: ClientName;
  /** The executable to run, when installed. */
  path?: string;
  /** Why the tests that need it are skipped (when it is missing). */
  reason: string;
}

const found = new Map<ClientName, Client>();

/** Look a client up once per test file. */
export function client(name: ClientName): Client {
  let c = found.get(name);
  if (c) return c;
  const spec = SPECS[name];
  const path = spec.candidates.find((p) => (p.startsWith('/') ? existsSync(p) : true) && spawnSync(p, spec.versionArgs, { stdio: 'ignore', timeout: 20_000 }).status === 0);
  c = { name, path, reason: path ? '' : `${name} is not installed (${spec.install})` };
  found.set(name, c);
  return c;
}

/** True when tests must not skip for a missing client (CI=true, as .ci/run sets it). */
export const REQUIRE_CLIENTS = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/**
 * `describe` for tests that need `name`: run when it is installed; skipped with the reason in the title otherwise;
 * under CI=true a missing client is one failing test instead.
 */
export function describeWithClient(name: ClientName, title: string, body: (c: Required<Pick<Client, 'path'>> & Client) => void): void {
  const c = client(name);
  if (c.path) {
    describe(title, () => body(c as Required<Pick<Client, 'path'>> & Client));
  } else if (REQUIRE_CLIENTS) {
    describe(title, () => {
      it(`needs ${name}`, () => {
        throw new Error(`${c.reason}; CI=true requires every client (.ci/run installs them)`);
      });
    });
  } else {
    // One line in the run's output (the default reporter does not list the titles of skipped tests).
    console.warn(`skipped "${title}": ${c.reason}`);
    describe.skip(`${title} [skipped: ${c.reason}]`, () => {
      it('needs a client that is not installed', () => {});
    });
  }
}
