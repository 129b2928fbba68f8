/**
 * @module The conflict index kept up to date one agent at a time: adding,
 * replacing, withdrawing and expiring intents, reservations, claimed tasks'
 * files and edits, laid-over views, and — on random worlds and random histories
 * of changes — the same verdict as an index built afresh from the final world.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatonEvent } from '../events/event.js';
import { agentsTouched, ConflictIndex, NO_WORK, type AgentWork } from './conflict-index.js';
import { scoreAnnounce, scoreIndexed, type Peer, type PeerWork, type ScoringContext, type Work } from './scoring.js';

const NOW = 1_000_000_000;
const ctx: ScoringContext = { now: NOW, editWindowMs: 30 * 60_000, editDecayMs: 120 * 60_000 };
const mine: Work = { targets: ['src/a.ts', 'src/b.ts'], depends: ['src/lib.ts'], modules: [] };
const peer = (agent: string, stale = false): Peer => ({ agent, stale, modules: [] });
const peersOf = (...agents: string[]): Map<string, Peer> => new Map(agents.map((a) => [a, peer(a)]));
const work = (w: Partial<AgentWork>): AgentWork => ({ ...NO_WORK, ...w });
const intent = (id: string, targets: string[], depends: string[] = [], expiresAt: number | null = NOW + 60_000) => ({ id, targets, depends, modules: [], expiresAt });
const score = (index: ConflictIndex, peers = peersOf('p', 'q')) => scoreIndexed(mine, peers, [{ index }], ctx);

describe('ConflictIndex', () => {
  it('adds, replaces and withdraws an agent’s intents', () => {
    const index = new ConflictIndex();
    index.set('p', work({ intents: [intent('i1', ['src/a.ts'])] }));
    expect(score(index)).toMatchObject({ verdict: 'concerned', score: 100, peers: [{ agent_id: 'p', layer: '0a' }] });
    // Replaced: the old target no longer counts, the new dependency does (0c).
    index.set('p', work({ intents: [intent('i2', ['src/other.ts'], ['src/b.ts'])] }));
    expect(score(index)).toMatchObject({ verdict: 'gray_zone', score: 80, peers: [{ agent_id: 'p', layer: '0c', evidence: [{ via: { intent_id: 'i2' } }] }] });
    index.set('p', NO_WORK);
    expect(score(index)).toMatchObject({ verdict: 'pass', peers: [] });
    expect([...index.agents()]).toEqual([]);
  });

  it('does not count an intent or a reservation past its expiry, before any sweep', () => {
    const index = ConflictIndex.of([
      ['p', work({ intents: [intent('i1', ['src/a.ts'], [], NOW - 1)] })],
      ['q', work({ reservations: [{ leaseId: 'r1', paths: ['src/**'], exclusive: true, expiresAt: NOW }] })],
    ]);
    expect(score(index).verdict).toBe('pass');
  });

  it('scores reservations, claimed tasks and edits, and forgets them when replaced', () => {
    const index = ConflictIndex.of([
      ['p', work({ reservations: [{ leaseId: 'r1', paths: ['src/*.ts'], exclusive: true, expiresAt: NOW + 1 }] })],
      ['q', work({ tasks: [{ taskId: 't1', files: ['src/lib.ts'] }], edits: [{ file: 'src/b.ts', at: NOW - 40 * 60_000 }] })],
    ]);
    const first = score(index);
    expect(first.blocked_files).toEqual(['src/a.ts', 'src/b.ts']);
    expect(first.peers.map((p) => [p.agent_id, p.layer, p.score])).toEqual([['p', 'R1', 100], ['q', 'T2', 80]]);
    expect(index.holderOfTask('t1')).toBe('q');
    // The task was released and the edit aged out of the decay window.
    index.set('q', work({ edits: [{ file: 'src/b.ts', at: NOW - 3 * 60 * 60_000 }] }));
    expect(index.holderOfTask('t1')).toBeUndefined();
    expect(score(index).peers.map((p) => p.agent_id)).toEqual(['p']);
    index.set('p', work({ reservations: [{ leaseId: 'r2', paths: ['src/*.ts'], exclusive: false, expiresAt: NOW + 1 }] }));
    expect(score(index).peers).toMatchObject([{ agent_id: 'p', layer: 'R2', score: 80 }]);
  });

  it('ignores the caller, ended agents and the agents a later view holds afresh', () => {
    const shared = ConflictIndex.of([['p', work({ intents: [intent('old', ['src/a.ts'])] })], ['me', work({ intents: [intent('mine', ['src/a.ts'])] })]]);
    const fresh = ConflictIndex.of([['p', work({ intents: [intent('new', ['src/lib.ts'])] })]]);
    const result = scoreIndexed(mine, peersOf('p'), [{ index: shared, skip: new Set(['p']) }, { index: fresh }], ctx);
    expect(result.peers).toMatchObject([{ agent_id: 'p', layer: '0b', evidence: [{ via: { intent_id: 'new' } }] }]);
  });

  it('names the agents an event touches, and asks for a rebuild on an event it does not know', () => {
    const index = ConflictIndex.of([['q', work({ tasks: [{ taskId: 't1', files: ['x'] }] })]]);
    const e = (type: string, data: Record<string, unknown>, subject = 's', actor: string | null = null) => ({ type, data, subject, actor, project: 'p', id: 1, at: 0 }) as unknown as BatonEvent;
    expect(agentsTouched(e('intent.expired', { agent: 'a' }), index)).toEqual(['a']);
    expect(agentsTouched(e('lease.acquired', { kind: 'files', holder: 'h' }), index)).toEqual(['h']);
    expect(agentsTouched(e('lease.acquired', { kind: 'lock', holder: 'h' }), index)).toEqual([]);
    expect(agentsTouched(e('task.cancelled', {}, 't1', 'operator'), index)).toEqual(['q', 'operator']);
    expect(agentsTouched(e('thread.opened', {}), index)).toEqual([]);
    expect(agentsTouched(e('something.new', {}), index)).toBe('all');
  });
});

// Random worlds over a few paths and globs, so that postings collide.
const PATHS = ['src/a.ts', 'src/b.ts', 'src/c/d.ts', 'lib/e.ts', 'src/*.ts', 'src/c/**', 'lib/*'];
const AGENTS = ['p0', 'p1', 'p2', 'p3', 'p4'];
const paths = fc.uniqueArray(fc.constantFrom(...PATHS), { maxLength: 4 });
const arbWork: fc.Arbitrary<AgentWork> = fc.record({
  intents: fc.array(fc.record({ id: fc.constantFrom('i1', 'i2', 'i3'), targets: paths, depends: paths, modules: fc.constant([]), symbols: fc.constant(undefined), expiresAt: fc.constantFrom(null, NOW - 1, NOW + 1) }), { maxLength: 2 }),
  reservations: fc.array(fc.record({ leaseId: fc.constantFrom('r1', 'r2'), paths, exclusive: fc.boolean(), expiresAt: fc.constantFrom(NOW - 1, NOW + 1) }), { maxLength: 2 }),
  tasks: fc.array(fc.record({ taskId: fc.constantFrom('t1', 't2'), files: paths }), { maxLength: 2 }),
  edits: fc.array(fc.record({ file: fc.constantFrom(...PATHS), at: fc.constantFrom(NOW - 60_000, NOW - 60 * 60_000, NOW - 5 * 60 * 60_000) }), { maxLength: 3 }),
});
const arbMine: fc.Arbitrary<Work> = fc.record({ targets: paths, depends: paths, modules: fc.constant([]) });
const change = fc.record({ agent: fc.constantFrom(...AGENTS), work: fc.oneof(arbWork, fc.constant(NO_WORK)) });

describe('ConflictIndex against an index built afresh', () => {
  it('gives the same verdict after any history of changes', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 25 }), arbMine, fc.subarray(AGENTS), (history, me, stale) => {
        const incremental = new ConflictIndex();
        const world = new Map<string, AgentWork>();
        for (const { agent, work: w } of history) {
          incremental.set(agent, w);
          world.set(agent, w);
        }
        const peers: PeerWork[] = AGENTS.map((agent) => ({ agent, stale: stale.includes(agent), modules: [], ...(world.get(agent) ?? NO_WORK) }));
        const expected = scoreAnnounce(me, peers, ctx);
        expect(scoreIndexed(me, new Map(peers.map((p) => [p.agent, p])), [{ index: incremental }], ctx)).toEqual(expected);
        // The same with some agents re-read and laid over a stale index.
        const stalePart = new ConflictIndex();
        for (const { agent, work: w } of history.slice(0, Math.floor(history.length / 2))) stalePart.set(agent, w);
        const again = new Set(history.slice(Math.floor(history.length / 2)).map((c) => c.agent));
        const overlay = ConflictIndex.of([...again].map((a) => [a, world.get(a) ?? NO_WORK] as const));
        expect(scoreIndexed(me, new Map(peers.map((p) => [p.agent, p])), [{ index: stalePart, skip: again }, { index: overlay }], ctx)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
