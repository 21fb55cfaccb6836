import { describe, expect, it } from 'vitest';
import { eligibleNodes, nodeMatches, type SwarmNode } from '../../src/engine/placement.js';

const worker: SwarmNode = {
  ID: 'abc123',
  Spec: { Role: 'worker', Availability: 'active', Labels: { zone: 'Eu-1', 'Disk.Type': 'ssd' } },
  Description: { Hostname: 'edge-2', Platform: { OS: 'linux', Architecture: 'x86_64' }, Engine: { Labels: { 'planes.node': 'w1' } } },
  Status: { State: 'ready' },
};

describe('nodeMatches: placement constraints as Swarm reads them', () => {
  it.each([
    [['node.role == worker'], true],
    [['node.role==WORKER'], true],
    [['node.role != worker'], false],
    [['node.role == manager'], false],
    [['Node.Role == worker'], true],
    [['node.id == abc123'], true],
    [['node.hostname == EDGE-2'], true],
    [['node.hostname != edge-2'], false],
    [['node.platform.os == linux', 'node.platform.arch == x86_64'], true],
    [['node.platform.arch == aarch64'], false],
    [['node.labels.zone == eu-1'], true],
    [['node.labels.Disk.Type == SSD'], true],
    // Swarm looks a label up by its name as written: another case is another label, missing, so empty.
    [['node.labels.ZONE == eu-1'], false],
    [['node.labels.missing != x'], true],
    [['node.labels.missing == x'], false],
    [['engine.labels.planes.node == w1'], true],
    [['engine.labels.planes.node == w2'], false],
    [['node.role == worker', 'node.labels.zone == us-1'], false],
    [[], true],
  ])('%j → %s', (constraints, expected) => {
    expect(nodeMatches(constraints, worker)).toBe(expected);
  });

  it.each([[['node.ip == 10.0.0.0/8']], [['no operator here']], [['node.labels. == x']]])('cannot judge %j', (constraints) => {
    expect(nodeMatches(constraints, worker)).toBeUndefined();
  });
});

describe('eligibleNodes', () => {
  const manager: SwarmNode = { ...worker, ID: 'mgr', Spec: { Role: 'manager', Availability: 'active' } };
  it('keeps the ready, active nodes that match', () => {
    const down = { ...worker, ID: 'down', Status: { State: 'down' } };
    const drained = { ...worker, ID: 'drained', Spec: { ...worker.Spec, Availability: 'drain' } };
    expect(eligibleNodes([], [worker, manager, down, drained])!.map((n) => n.ID)).toEqual(['abc123', 'mgr']);
    expect(eligibleNodes(['node.role == manager'], [worker, manager])!.map((n) => n.ID)).toEqual(['mgr']);
  });
  it('is undefined when a constraint cannot be judged, so that nothing is waited for in vain', () => {
    expect(eligibleNodes(['node.ip == 10.0.0.1'], [worker])).toBeUndefined();
  });
});
