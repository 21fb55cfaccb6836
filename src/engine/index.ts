/** What talks to the Docker engine: Swarm secrets, audit and deploy, through dockerode. */
export { audit, type AuditScope } from './audit/index.js';
export { assertStackFileCurrent, RESOLVE_IMAGE, runDocker, stackDeployArgs, type ResolveImage } from './deploy.js';
export { connectEngine, swarmManagerProblem, type Engine } from './docker.js';
export { pruneSecrets } from './prune.js';
export { pushSecrets, type PushResult } from './push.js';
export { rotateSecret } from './rotate.js';
export { externalSecrets, stackFileContent, swarmEnvironment } from './stack-secrets.js';
export { missingSecrets } from './verify.js';
