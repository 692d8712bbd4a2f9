/**
 * Every link daemonlint prints (a rule's documentation in the editor, SARIF and the Action's job summary; the tool's
 * home in SARIF; the config schema's id) comes from one place: `homepage` and `repository` in package.json. While
 * neither is set, no link is emitted at all: a link that goes nowhere is worse than none, and each rule's full
 * documentation still travels with the findings (SARIF `help`, `daemonlint explain RULE`, docs/rules/ in the package).
 */
import pkg from '../package.json' with { type: 'json' };

/** The package.json fields links are made from. */
export interface PackageInfo {
  version: string;
  homepage?: string;
  repository?: string | { type?: string; url?: string; directory?: string };
}

export interface Links {
  /** The project's home page (SARIF `informationUri`). */
  information: string;
  /** Where a rule's document is, for one released version (docs/rules/<id>.md at the tag `v<version>`). */
  rule: (ruleId: string) => string;
  /** The config schema of this version, when the repository is known (schemas/config.schema.json at the tag). */
  configSchema?: string;
}

/** `https://github.com/OWNER/REPO` from the forms npm accepts (`github:o/r`, `o/r`, `git+https://…/o/r.git`). */
function githubRepository(repository: PackageInfo['repository']): { url: string; directory: string } | undefined {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  if (!raw) return undefined;
  const directory = typeof repository === 'object' && repository.directory ? `${repository.directory.replace(/^\/+|\/+$/g, '')}/` : '';
  const short = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw);
  if (short) return { url: `https://github.com/${short[1]}/${short[2]!.replace(/\.git$/, '')}`, directory };
  const long = /^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  if (long) return { url: `https://github.com/${long[1]}/${long[2]}`, directory };
  return undefined;
}

/** The links for a package.json, or undefined when it names no home page and no GitHub repository. */
export function linksFrom(info: PackageInfo): Links | undefined {
  const repo = githubRepository(info.repository);
  const homepage = info.homepage && /^https:\/\/\S+$/.test(info.homepage) ? info.homepage : undefined;
  if (!repo && !homepage) return undefined;
  const tree = repo && `${repo.url}/blob/v${encodeURIComponent(info.version)}/${repo.directory}`;
  return {
    information: homepage ?? repo!.url,
    // Without a repository the home page is all there is: the rule list is on it, with an anchor per rule.
    rule: (id) => (tree ? `${tree}docs/rules/${encodeURIComponent(id)}.md` : `${homepage}#rule-${encodeURIComponent(id)}`),
    ...(repo ? { configSchema: `${repo.url}/raw/v${encodeURIComponent(info.version)}/${repo.directory}schemas/config.schema.json` } : {}),
  };
}

/** The links of this build (undefined while package.json sets neither `homepage` nor `repository`). */
export const LINKS: Links | undefined = linksFrom(pkg as PackageInfo);
