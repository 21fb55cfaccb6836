import type Docker from 'dockerode';

/** A Swarm node, as much of it as placement constraints and a global service's tasks depend on. */
export interface SwarmNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string; Platform?: { OS?: string; Architecture?: string }; Engine?: { Labels?: Record<string, string> } };
  Status?: { State?: string };
}

export async function listNodes(docker: Docker): Promise<SwarmNode[]> {
  return (await docker.listNodes()) as SwarmNode[];
}

/** How a node is named in a message: hostnames repeat (nodes cloned from one image), IDs do not. */
export function nodeLabel(node: SwarmNode): string {
  return `${node.Description?.Hostname ?? 'node'} (${node.ID.slice(0, 12)})`;
}

const CONSTRAINT = /^\s*([\w.-]+)\s*(==|!=)\s*(.*?)\s*$/;
const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';

/**
 * Whether the node satisfies every placement constraint, compared as Swarm does: keys and
 * values without regard to case, a missing label taken as empty. Undefined for a constraint
 * this cannot judge (one Swarm added later, such as node.ip), so that a caller does not wait
 * for a task Swarm may never place.
 */
export function nodeMatches(constraints: readonly string[], node: SwarmNode): boolean | undefined {
  for (const constraint of constraints) {
    const parsed = CONSTRAINT.exec(constraint);
    if (!parsed) return undefined;
    const [, key = '', operator, expected = ''] = parsed;
    const actual = attribute(key.toLowerCase(), key, node);
    if (actual === undefined) return undefined;
    const equal = actual.toLowerCase() === expected.toLowerCase();
    if (equal !== (operator === '==')) return false;
  }
  return true;
}

function attribute(lowerKey: string, key: string, node: SwarmNode): string | undefined {
  switch (lowerKey) {
    case 'node.id':
      return node.ID;
    case 'node.hostname':
      return node.Description?.Hostname ?? '';
    case 'node.role':
      return node.Spec?.Role ?? '';
    case 'node.platform.os':
      return node.Description?.Platform?.OS ?? '';
    case 'node.platform.arch':
      return node.Description?.Platform?.Architecture ?? '';
  }
  // The label's own name keeps its case: Swarm looks it up as written.
  if (lowerKey.startsWith(NODE_LABELS) && key.length > NODE_LABELS.length) return node.Spec?.Labels?.[key.slice(NODE_LABELS.length)] ?? '';
  if (lowerKey.startsWith(ENGINE_LABELS) && key.length > ENGINE_LABELS.length) return node.Description?.Engine?.Labels?.[key.slice(ENGINE_LABELS.length)] ?? '';
  return undefined;
}

/**
 * The nodes where Swarm may place a task with these constraints now: ready, active (a paused
 * node gets no new task, a drained one none at all) and matching; for a global service, the
 * nodes that each run one. Undefined when a constraint cannot be judged.
 */
export function eligibleNodes(constraints: readonly string[], nodes: readonly SwarmNode[]): SwarmNode[] | undefined {
  const eligible: SwarmNode[] = [];
  for (const node of nodes) {
    if (node.Status?.State !== 'ready' || node.Spec?.Availability !== 'active') continue;
    const matches = nodeMatches(constraints, node);
    if (matches === undefined) return undefined;
    if (matches) eligible.push(node);
  }
  return eligible;
}
