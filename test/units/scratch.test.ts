import { it } from 'vitest';
import { loadRepo } from '../helpers/repos.js';
import { lintAsync } from '../../src/engine/lint.js';
import { allRules } from '../../rules/index.js';
import { planUnits } from '../../src/units/plan.js';
import { loadFile } from '../../src/load/files.js';
it('scratch', async () => {
  for (const name of ['multi-env']) {
    const { files, root } = loadRepo(name);
    const r = await lintAsync(files.filter((f) => !f.path.startsWith('rendered/')), { rules: allRules, plan: (fs) => planUnits(fs, { display: (a) => a.slice(root.length + 1), readFile: (a) => loadFile(a, root) }) });
    for (const f of r.findings) console.log(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`);
    for (const e of r.internalErrors) console.log('INTERNAL', e.ruleId, e.file, (e.error as Error).stack);
  }
});
