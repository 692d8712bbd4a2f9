// Guards against kustomizations that kustomize cannot build, or that daemonlint can only partly model.
import type { Rule } from '../src/types.js';

const rule: Rule = {
  meta: {
    id: 'kustomization',
    severity: 'warning',
    description: 'A kustomization must build: its resources, bases, components and patch files exist and every patch finds its target.',
    rationale:
      'daemonlint lints a kustomization as the objects it builds. A missing file or a patch whose target is absent makes `kustomize build` fail; a feature daemonlint does not model (generators, remote bases, Helm charts, replacements) leaves objects or changes out of what the cross-resource rules compare.',
    remediation: 'Fix the path or the patch target; for a feature daemonlint does not model, lint the output of `kustomize build` as well.',
    kinds: '*',
    tags: ['correctness', 'kustomize'],
    docs: `Each \`kustomization.yaml\` that no other kustomization uses as a base is a deployment unit: daemonlint builds
it (resources, bases, components, namespace, name prefix and suffix, labels, strategic-merge and JSON 6902 patches,
images, replicas) and lints the result. This rule reports, on the line of the kustomization (or patch) concerned:

- a resource, base, component or patch file that does not exist (error: kustomize refuses the build);
- a patch that matches no object of the build (error), or a JSON patch operation that cannot be applied (error);
- a field daemonlint does not model (info): \`configMapGenerator\`, \`secretGenerator\`, \`helmCharts\`, \`replacements\`,
  \`vars\`, \`transformers\`, \`generators\`, remote resources. The rest of the build is still linted.

Invalid:

\`\`\`yaml
# overlays/prod/kustomization.yaml
resources:
  - ../../base
patches:
  - path: agent-patch.yaml     # the file is called agent-patches.yaml
\`\`\`

Valid: every path exists and every patch names an object of the build.`,
  },
  checkFile(ctx) {
    for (const p of ctx.run.unitProblems?.get(ctx.file) ?? []) ctx.report({ message: p.message, range: p.range, severity: p.severity });
  },
};
export default rule;
