/** Manifests and temporary folders shared by the end-to-end tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A clean Service. */
export const GOOD_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

/** A DaemonSet whose only finding is restart-policy at 12:7–12:20. */
export const BAD_DAEMONSET = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      restartPolicy: Never
      containers:
        - name: agent
          image: example/agent:1.0
`;

/** BAD_DAEMONSET with `hostPID: true` (line 12) before its restartPolicy (line 13): a warning and an error. */
export const BAD_DAEMONSET_HOST_PID = BAD_DAEMONSET.replace('      restartPolicy: Never\n', '      hostPID: true\n      restartPolicy: Never\n');

const created: string[] = [];

/** A temporary folder holding `files` (names may contain subfolders); removed by `removeWorkdirs`. */
export function workdir(files: Record<string, string | Buffer> = {}, prefix = 'daemonlint-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export function removeWorkdirs(): void {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}
