/**
 * Preloaded into the CLI by test/guarantees.test.ts (NODE_OPTIONS=--require …): every attempt to reach the network
 * or to start a process is recorded (one JSON line in $DAEMONLINT_GUARD_LOG) and refused with an error.
 *
 * Optional fault injection for the --fix tests: DAEMONLINT_GUARD_RENAME=fail makes fs.renameSync throw EIO;
 * DAEMONLINT_GUARD_RENAME=crash kills the process (SIGKILL) at the rename, as a power cut would.
 */
'use strict';
const fs = require('node:fs');
const log = process.env.DAEMONLINT_GUARD_LOG;

function record(what, detail) {
  if (log) fs.appendFileSync(log, JSON.stringify({ what, detail: String(detail ?? '') }) + '\n');
  const err = new Error(`blocked by the test guard: ${what}`);
  err.code = 'EACCES';
  return err;
}

const net = require('node:net');
net.Socket.prototype.connect = function (...args) {
  throw record('net.Socket.connect', JSON.stringify(args[0]));
};
const dns = require('node:dns');
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveSrv', 'resolveTxt', 'reverse']) {
  if (typeof dns[name] === 'function') dns[name] = (...a) => { throw record(`dns.${name}`, a[0]); };
  if (dns.promises && typeof dns.promises[name] === 'function') dns.promises[name] = async (...a) => { throw record(`dns.promises.${name}`, a[0]); };
}
for (const mod of ['http', 'https', 'http2']) {
  const m = require(`node:${mod}`);
  for (const name of ['request', 'get', 'connect']) if (typeof m[name] === 'function') m[name] = (...a) => { throw record(`${mod}.${name}`, typeof a[0] === 'string' ? a[0] : JSON.stringify(a[0])); };
}
const tls = require('node:tls');
tls.connect = (...a) => { throw record('tls.connect', JSON.stringify(a[0])); };
const dgram = require('node:dgram');
dgram.createSocket = (...a) => { throw record('dgram.createSocket', JSON.stringify(a[0])); };
if (typeof globalThis.fetch === 'function') globalThis.fetch = async (input) => { throw record('fetch', input); };
if (typeof globalThis.WebSocket === 'function') globalThis.WebSocket = function () { throw record('WebSocket'); };
const cp = require('node:child_process');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[name] = (...a) => { throw record(`child_process.${name}`, a[0]); };

const mode = process.env.DAEMONLINT_GUARD_RENAME;
if (mode) {
  const rename = fs.renameSync;
  fs.renameSync = function (from, to) {
    if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
    const err = new Error(`EIO: i/o error, rename '${from}' -> '${to}'`);
    err.code = 'EIO';
    throw err;
    // eslint-disable-next-line no-unreachable
    return rename.call(this, from, to);
  };
}

// ES modules import these built-ins by name: make them see the patched functions.
require('node:module').syncBuiltinESMExports();
