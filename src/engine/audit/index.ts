import type { Report } from '../../report/index.js';
import type { Manifest } from '../../manifest/index.js';
import { engineFailure, type Engine } from '../docker.js';
import { LABEL_STACK, listSecrets } from '../swarm-secrets.js';
import { auditReport } from './findings.js';
import { addBuildSecrets, addSecretFiles, addSwarmLabels, emptyKnown } from './known.js';
import { collectSubjects, namedScopeProblem, type AuditScope } from './subjects.js';

export type { AuditScope } from './subjects.js';
export { AUDIT_RULES } from './findings.js';

/** Why the stack or project the user named has nothing to audit (a misspelt name); undefined when both are there. */
export async function unknownAuditScope(engine: Engine, scope: Pick<AuditScope, 'stack' | 'project'>): Promise<string | undefined> {
  try {
    return await namedScopeProblem(engine.docker, scope);
  } catch (error) {
    throw engineFailure(error, 'the list of stacks and projects', engine.endpoint);
  }
}

/**
 * Audits what runs: every environment in the scope is judged by name, by value format and
 * against the known secret values of the stack (dev files under root, build secrets of the
 * manifest when there is one, the hashes on the stack's Swarm secrets).
 */
export async function audit(engine: Engine, scope: AuditScope, root: string, manifest?: Manifest): Promise<Report> {
  const known = emptyKnown();
  addSecretFiles(known, root);
  if (manifest) addBuildSecrets(known, manifest, root);
  try {
    if (scope.stack) addSwarmLabels(known, await listSecrets(engine.docker, { label: [`${LABEL_STACK}=${scope.stack}`] }));
    return auditReport(await collectSubjects(engine.docker, scope), known);
  } catch (error) {
    throw engineFailure(error, 'the inspection of containers, services and images', engine.endpoint);
  }
}
