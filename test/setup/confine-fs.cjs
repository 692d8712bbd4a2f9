/**
 * Preloaded into every test process and every Node process a test starts (NODE_OPTIONS=--require): the project must
 * stand alone, so reading anything beside the repository (a sibling folder of the clone, such as a shared reference
 * folder a developer happens to have) throws. The repository itself, the folders above it (walked when looking for
 * config files), the temporary folder and the rest of the file system (/dev, /proc, /etc for the hostile-input
 * tests) stay readable.
 */
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, resolve, sep } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');
const PARENT = dirname(ROOT);

function isOutside(p) {
  if (typeof p !== 'string' && !(p instanceof URL) && !Buffer.isBuffer(p)) return false;
  let abs;
  try {
    abs = resolve(p instanceof URL ? p.pathname : String(p));
  } catch {
    return false;
  }
  if (PARENT === sep || abs === ROOT || abs.startsWith(ROOT + sep)) return false;
  if (!abs.startsWith(PARENT + sep)) return false; // Not beside the repository.
  const tmp = resolve(process.env.DAEMONLINT_TEST_TMP_ROOT || tmpdir());
  if (abs === tmp || abs.startsWith(tmp + sep)) return false;
  return true;
}

function guard(obj, name) {
  const original = obj[name];
  if (typeof original !== 'function' || original.__confined) return;
  const wrapped = function (p, ...rest) {
    if (isOutside(p)) {
      const err = new Error(`the test suite read ${p}, outside the repository ${ROOT}; copy what it needs into the repository`);
      err.code = 'EOUTSIDEREPO';
      throw err;
    }
    return original.call(this, p, ...rest);
  };
  wrapped.__confined = true;
  obj[name] = wrapped;
}

const SYNC = ['readFileSync', 'openSync', 'readdirSync', 'statSync', 'lstatSync', 'existsSync', 'accessSync', 'opendirSync', 'createReadStream'];
const CALLBACK = ['readFile', 'open', 'readdir', 'stat', 'lstat', 'access', 'opendir'];
for (const n of [...SYNC, ...CALLBACK]) guard(fs, n);
for (const n of ['readFile', 'open', 'readdir', 'stat', 'lstat', 'access', 'opendir']) guard(fs.promises, n);
syncBuiltinESMExports();

module.exports = { ROOT, isOutside };
