import { type ComposePath, formatComposePath, originOf } from '../../compose/index.js';
import type { Severity } from '../../report/index.js';
import { isMapping, type YamlMapping, type YamlValue } from '../../yaml/index.js';
import type { Rule, RuleFinding } from '../rule.js';
import {
  acceptedSince,
  BUILD,
  BUILD_ANY,
  IGNORED,
  INSTEAD,
  SECRET,
  SECRET_EXTENSIONS,
  SERVICE,
  SERVICE_EXTENSIONS,
  TOP_LEVEL,
  TOP_LEVEL_EXTENSIONS,
} from '../../swarm-format.js';

/** No version, or "3": the latest schema. */
const LATEST = Number.POSITIVE_INFINITY;

/**
 * A stack file (`docker stack deploy -c`) as Swarm reads it: keys it rejects, keys it drops,
 * and secrets that a production stack must not take from the deploying machine.
 */
export const swarmCompatRule: Rule = {
  id: 'swarm-compat',
  description: 'a Swarm stack file uses keys docker stack deploy rejects or ignores, or secrets that are not external',
  severity: 'error',
  check(context) {
    return context.project.documents.filter(({ file }) => context.stackFiles.has(file)).flatMap(({ data }) => new StackDocument(data).check());
  },
};

interface Place {
  container: YamlMapping;
  key: string;
  path: ComposePath;
  service: string | null;
  /** The finding's key: the compose key, or the secret's name. */
  subject: string;
}

/** One YAML document of a stack file, checked against the schema of the version it declares. */
class StackDocument {
  private readonly findings: RuleFinding[] = [];
  private readonly minor: number;
  private readonly version: string;

  constructor(private readonly document: YamlMapping) {
    const { minor, shown, problem } = formatVersion(document['version']);
    this.minor = minor;
    this.version = shown;
    if (problem !== undefined) this.report({ container: document, key: 'version', path: ['version'], service: null, subject: 'version' }, problem);
  }

  check(): RuleFinding[] {
    for (const key of Object.keys(this.document)) {
      this.rejects({ container: this.document, key, path: [key], service: null, subject: key }, acceptedSince(TOP_LEVEL, TOP_LEVEL_EXTENSIONS, key));
    }
    const services = this.document['services'];
    if (isMapping(services)) {
      for (const [name, definition] of Object.entries(services)) if (isMapping(definition)) this.service(name, definition);
    }
    const secrets = this.document['secrets'];
    if (isMapping(secrets)) {
      for (const [name, definition] of Object.entries(secrets)) if (isMapping(definition)) this.secret(name, definition);
    }
    return this.findings;
  }

  private service(service: string, definition: YamlMapping): void {
    for (const [key, value] of Object.entries(definition)) {
      const place: Place = { container: definition, key, path: ['services', service, key], service, subject: key };
      if (this.rejects(place, acceptedSince(SERVICE, SERVICE_EXTENSIONS, key))) continue;
      const ignored = IGNORED[key];
      if (ignored !== undefined) this.report(place, `docker stack deploy ignores ${key}: ${ignored}`, 'warning');
      if (key === 'depends_on' && !Array.isArray(value)) {
        this.report(
          place,
          'docker stack deploy takes depends_on only as a list of service names: Swarm starts services in no order and has no conditions; write depends_on: [name, …] and make each service wait for what it needs',
        );
      }
      if (key === 'build' && isMapping(value)) {
        for (const option of Object.keys(value)) {
          this.rejects({ container: value, key: option, path: ['services', service, 'build', option], service, subject: option }, BUILD[option] ?? BUILD_ANY);
        }
      }
    }
  }

  private secret(name: string, definition: YamlMapping): void {
    for (const key of Object.keys(definition)) {
      const place: Place = { container: definition, key, path: ['secrets', name, key], service: null, subject: name };
      if (key === 'environment') {
        this.report(place, `Swarm has no environment source for a secret; make ${name} external: true and create it beforehand (planes secrets push, or docker secret create)`);
      } else if (!this.rejects(place, acceptedSince(SECRET, SECRET_EXTENSIONS, key)) && key === 'file' && !isTemplate(definition)) {
        this.report(
          place,
          `a production secret is external: ${name} would be read from a file on the deploying machine; make it external: true and create it beforehand (planes secrets push, or docker secret create)`,
        );
      }
    }
  }

  /** Reports a key the schema of this file's version lacks; whether it did. */
  private rejects(place: Place, since: number | undefined): boolean {
    if (since !== undefined && since <= this.minor) return false;
    const where = formatComposePath(place.path);
    this.report(
      place,
      since === undefined
        ? `docker stack deploy rejects ${where}, which the version 3 format does not have; ${INSTEAD[place.key] ?? 'remove it from the stack file'}`
        : `docker stack deploy rejects ${where} in a version ${this.version} file; it needs version "3.${since}" or later`,
    );
    return true;
  }

  private report({ container, key, path, service, subject }: Place, message: string, severity?: Severity): void {
    const origin = originOf(container, key);
    // Every key of a parsed document has its origin; the fallback only satisfies the type.
    const { file, line, column } = origin?.key ?? origin?.value ?? { file: '', line: 1, column: 1 };
    this.findings.push({ file, line, column, service, key: subject, path: formatComposePath(path), message, ...(severity ? { severity } : {}) });
  }
}

/** The minor version the schema is chosen by, as shown in messages, and what is wrong with `version`. */
function formatVersion(version: YamlValue | undefined): { minor: number; shown: string; problem?: string } {
  if (version === undefined) return { minor: LATEST, shown: 'latest' };
  const text = typeof version === 'string' || typeof version === 'number' ? String(version) : '';
  const match = /^3(?:\.(\d+))?$/.exec(text);
  const minor = match?.[1] === undefined ? LATEST : Number(match[1]);
  if (match === null) {
    return { minor, shown: text, problem: 'docker stack deploy reads the version 3 format only; write version: "3.8" (or another "3.x"), or leave version out' };
  }
  if (typeof version === 'number') {
    return { minor, shown: text, problem: `docker stack deploy takes the version only as a string: write version: "${text}"` };
  }
  return { minor, shown: text };
}

/** A secret the engine renders on the node from a template file that names other secrets (planes' templated secrets): the file holds no value. */
function isTemplate(definition: YamlMapping): boolean {
  return definition['template_driver'] !== undefined;
}
