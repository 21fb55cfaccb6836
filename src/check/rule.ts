import type { ComposeProject } from '../compose/index.js';
import type { DockerfileInstruction } from '../dockerfile/index.js';
import type { JudgeOptions } from '../judge/index.js';
import type { Finding, Severity } from '../report/index.js';

/** A Dockerfile that a service builds from, parsed. */
export interface BuildDockerfile {
  service: string;
  /** As findings name it: relative to the working directory. */
  file: string;
  text: string;
  instructions: DockerfileInstruction[];
}

/** Everything a rule may look at. Rules read; they never print, write or ask the engine. */
export interface CheckContext {
  project: ComposeProject;
  /** The working directory; findings name files relative to it. */
  cwd: string;
  /** An absolute path as findings name it. */
  display(path: string): string;
  dockerfiles: BuildDockerfile[];
  /** Compose files that are Swarm stack files (`docker stack deploy -c`), as displayed. */
  stackFiles: ReadonlySet<string>;
  /** The manifest, when the project has one: generated files are checked against it. */
  manifest?: ProjectManifest;
  /** What every secret judgement of the project knows: the secrets its own files give away by name (known-secrets.ts). */
  judgeOptions: JudgeOptions;
}

/** A file `planes generate` would write differently from what is on disk. */
export interface StaleFile {
  /** Relative to the project root. */
  path: string;
  /** What generation writes there. */
  content: string;
  /** What is there now; undefined when there is no such file. */
  current: string | undefined;
}

/** A planes manifest of the project, with what it generates. */
export interface ProjectManifest {
  /** As findings name it. */
  file: string;
  /** The project root: generated paths are relative to it. */
  root: string;
  /** The files `planes generate` would write differently from what is on disk. */
  stale: readonly StaleFile[];
  /** The templated secrets' dev files (relative to the root) that no longer hold what their template renders: `planes setup` renders them anew. */
  staleRenderings: readonly string[];
  /** The compose file of each environment, and whether Swarm reads it. */
  environments: readonly { file: string; swarm: boolean }[];
}

/** A finding as a rule reports it: the rule id is added by the runner, the severity defaults to the rule's. */
export type RuleFinding = Omit<Finding, 'rule' | 'severity'> & { severity?: Severity };

export interface Rule {
  id: string;
  /** One line: what the rule reports. */
  description: string;
  severity: Severity;
  check(context: CheckContext): RuleFinding[];
}
