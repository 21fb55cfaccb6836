/** What talks to the Docker engine: Swarm secrets, audit and deploy, through dockerode. */
export { audit, AUDIT_RULES, type AuditScope, unknownAuditScope } from './audit/index.js';
export { RESOLVE_IMAGE, runDocker, stackDeployArgs, stackFileDrift, type ResolveImage } from './deploy.js';
export { connectEngine, swarmManagerProblem, type Engine } from './docker.js';
export { pruneSecrets, type PruneCandidate } from './prune.js';
export { pruneStackObjects } from './stack-objects.js';
export { pushSecrets, type PushResult } from './push.js';
export { rotateSecret, type RotateResult } from './rotate.js';
export { type ExternalSecret, externalSecrets, stackFileContent, swarmEnvironment } from './stack-secrets.js';
export { missingSecrets } from './verify.js';
