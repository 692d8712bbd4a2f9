/** Entry point of the GitHub Action bundle (action/index.mjs): `node action/index.mjs`, run by the runner. */
import { runAction } from './run.js';

process.exitCode = await runAction({ env: process.env, stdout: (s) => process.stdout.write(s), cwd: process.cwd() });
