/**
 * @module Impact scoring of one announce against every live peer: seed 004's
 * table (layers 0a/0b/0c/1/2/3 and their numbers) plus reservations (R1/R2),
 * claimed tasks' files (T1/T2), the import graph within depth 2 (in layer 3) and
 * co-change (layer 4, never concerned alone). A peer's score is the maximum of
 * its evidence; its evidence is listed strongest first, at most three items and
 * a count of the rest. The caller's own work is never passed in; a stale peer
 * scores at most 30. Scoring reads the conflict index (conflict-index.ts), so it
 * costs my files × postings hit, not agents × files; layers 3 and 4 are looked
 * up from my side too (my graph neighbours and co-change partners). The order of
 * evidence does not depend on the order the index was fed in.
 */
import { ConflictIndex, intentLive, type AgentWork, type PeerIntent, type Posting } from './conflict-index.js';
import { modulesMeet } from './paths.js';

export type Layer = '0a' | '0b' | '0c' | 'R1' | 'R2' | 'T1' | 'T2' | '1' | '2' | '3' | '4';
export type Category = 'concerned' | 'gray_zone' | 'pass';
export type Verdict = Category | 'concerned_agreed';

const CONCERNED = 90;
const GRAY = 30;
const STALE_CAP = 30;
const EVIDENCE_SHOWN = 3;

export interface Evidence {
  layer: Layer;
  score: number;
  file: string;
  their_file?: string;
  via: Record<string, string | number>;
  blocked?: true;
}

export interface Work {
  targets: readonly string[];
  depends: readonly string[];
  modules: readonly string[];
  symbols?: readonly string[] | undefined;
}

/** A live peer as scoring sees it (the caller excluded). */
export interface Peer {
  agent: string;
  /** Presence stale: reported, capped at 30. */
  stale: boolean;
  /** Modules the peer registered with. */
  modules: readonly string[];
}

/** A peer and its work in one record (the rebuild-per-call form, for tests and the bench). */
export interface PeerWork extends Peer, AgentWork {}

/** Where scoring looks up work: an index, minus the agents a later view holds afresh. */
export interface IndexView {
  index: ConflictIndex;
  /** Agents whose postings here are outdated (a later view has them). */
  skip?: ReadonlySet<string> | undefined;
}

export interface ScoringContext {
  now: number;
  /** Edits this recent score in full (layers 1, 2). */
  editWindowMs: number;
  /** Edits older than the window but this recent score decayed. */
  editDecayMs: number;
  /** For layer 3: nodes within depth 2 of a file, in either direction, with the path. */
  near?: ((file: string) => ReadonlyMap<string, string>) | undefined;
  /** For layer 4: co-change partners of a file with their degree (0..1). */
  partners?: ((file: string) => ReadonlyMap<string, number>) | undefined;
}

export interface PeerScore {
  agent_id: string;
  score: number;
  category: Category;
  layer: Layer;
  reason: string;
  evidence: Evidence[];
  more?: number;
  stale?: true;
  /** Same files, disjoint symbols: an annotation, the score is unchanged. */
  disjoint_symbols?: true;
}

export interface ScoreResult {
  verdict: Category;
  score: number;
  peers: PeerScore[];
  blocked_files: string[];
}

const categoryOf = (score: number): Category => (score >= CONCERNED ? 'concerned' : score >= GRAY ? 'gray_zone' : 'pass');

const REASON: Record<Layer, string> = {
  '0a': 'announced to change the same file',
  '0b': 'announced to change a file you depend on',
  '0c': 'depends on a file you will change',
  R1: 'holds an exclusive reservation on a file you will change',
  R2: 'holds a reservation overlapping your files',
  T1: 'claimed a task listing a file you will change',
  T2: 'claimed a task listing a file you depend on',
  '1': 'recently edited a file you will change',
  '2': 'recently edited a file you depend on',
  '3': 'works in an overlapping module or nearby in the import graph',
  '4': 'recently edited a file that usually changes with yours',
};

/** A piece of evidence before it is shown: `via` is built only for the few items an answer lists. */
interface Candidate {
  layer: Layer;
  score: number;
  file: string;
  theirs: string;
  /** Rank of `file` among my files (targets, then dependencies). */
  rank: number;
  posting: Posting | null;
  via: Evidence['via'] | null;
}

/** Strongest first, then my files in my order, then layer and their file: independent of the order the index was fed in. */
const stronger = (a: Candidate, b: Candidate): number =>
  b.score - a.score || a.rank - b.rank || (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : 0) || (a.theirs < b.theirs ? -1 : a.theirs > b.theirs ? 1 : 0);

function viaOf(c: Candidate): Evidence['via'] {
  if (c.via) return c.via;
  const p = c.posting as Posting;
  switch (p.kind) {
    case 'target':
    case 'depend':
      return { intent_id: p.intent };
    case 'reservation':
      return { lease_id: p.leaseId, holder: p.agent, expires_at: p.expiresAt };
    case 'task':
      return { task_id: p.taskId };
    case 'edit':
      return { edit_at: p.at };
  }
}

function evidenceOf(c: Candidate): Evidence {
  const e: Evidence = { layer: c.layer, score: c.score, file: c.file, via: viaOf(c) };
  if (c.theirs !== c.file) e.their_file = c.theirs;
  if (c.layer === 'R1') e.blocked = true;
  return e;
}

/** Scores against a peer list by building its index first: the rebuild per call (tests, the bench's baseline). */
export function scoreAnnounce(mine: Work, peers: readonly PeerWork[], ctx: ScoringContext): ScoreResult {
  const index = ConflictIndex.of(peers.map((p) => [p.agent, p] as const));
  return scoreIndexed(mine, new Map(peers.map((p) => [p.agent, p])), [{ index }], ctx);
}

/**
 * Scores one announce against the live `peers` whose work the views hold (a later view wins for the
 * agents an earlier one skips). Postings of anyone not in `peers` (the caller, ended agents) are ignored.
 */
export function scoreIndexed(mine: Work, peers: ReadonlyMap<string, Peer>, views: readonly IndexView[], ctx: ScoringContext): ScoreResult {
  // Per peer, the best candidate of each (layer, my file): one item per pair, no repeats.
  const found = new Map<string, Map<string, Candidate>>();
  const workOf = (agent: string): AgentWork | undefined => {
    for (let i = views.length - 1; i >= 0; i--) {
      const view = views[i] as IndexView;
      if (view.skip?.has(agent) === true) continue;
      const w = view.index.workOf(agent);
      if (w) return w;
    }
    return undefined;
  };
  const intentsOf = (agent: string): readonly PeerIntent[] => (workOf(agent)?.intents ?? []).filter((i) => intentLive(i, ctx.now));
  const offer = (agent: string, c: Candidate): void => {
    let best = found.get(agent);
    if (!best) found.set(agent, (best = new Map<string, Candidate>()));
    const key = c.layer + '\u0000' + c.file;
    const kept = best.get(key);
    if (!kept || stronger(c, kept) < 0) best.set(key, c);
  };
  const editScore = (at: number, full: number, decayed: number): number => {
    const age = ctx.now - at;
    return age <= ctx.editWindowMs ? full : age <= ctx.editDecayMs ? decayed : 0;
  };
  const rank = new Map<string, number>();
  for (const f of [...mine.targets, ...mine.depends]) if (!rank.has(f)) rank.set(f, rank.size);
  const candidate = (layer: Layer, score: number, file: string, theirs: string, posting: Posting | null, via: Evidence['via'] | null = null): Candidate => ({ layer, score, file, theirs, rank: rank.get(file) ?? 0, posting, via });

  for (const view of views) {
    const skip = view.skip;
    for (const role of ['target', 'depend'] as const) {
      const target = role === 'target';
      for (const file of target ? mine.targets : mine.depends) {
        view.index.lookup(file, (p, theirs) => {
          if (!peers.has(p.agent) || skip?.has(p.agent) === true) return;
          switch (p.kind) {
            case 'target':
              if (p.expiresAt === null || p.expiresAt > ctx.now) offer(p.agent, candidate(target ? '0a' : '0b', target ? 100 : 80, file, theirs, p));
              break;
            case 'depend':
              if (target && (p.expiresAt === null || p.expiresAt > ctx.now)) offer(p.agent, candidate('0c', 80, file, theirs, p));
              break;
            case 'reservation':
              if (p.expiresAt <= ctx.now) break;
              if (target && p.exclusive) offer(p.agent, candidate('R1', 100, file, theirs, p));
              else if (target || p.exclusive) offer(p.agent, candidate('R2', 80, file, theirs, p));
              break;
            case 'task':
              offer(p.agent, candidate(target ? 'T1' : 'T2', target ? 90 : 80, file, theirs, p));
              break;
            case 'edit': {
              const score = target ? editScore(p.at, 100, 60) : editScore(p.at, 80, 40);
              if (score > 0) offer(p.agent, candidate(target ? '1' : '2', score, file, theirs, p));
              break;
            }
          }
        });
      }
    }
  }

  // Layers 3 and 4 only matter for peers with nothing stronger, and each peer gets the first hit in my order.
  const weak = new Set<string>();
  for (const agent of peers.keys()) if (!found.has(agent)) weak.add(agent);
  if (weak.size > 0 && mine.modules.length > 0) {
    for (const agent of weak) {
      const peer = peers.get(agent) as Peer;
      const theirModules = [...peer.modules, ...intentsOf(agent).flatMap((x) => x.modules)];
      const mod = mine.modules.find((m) => theirModules.some((t) => modulesMeet(m, t)));
      if (mod === undefined) continue;
      offer(agent, candidate('3', 30, mod, mod, null, { module: theirModules.find((t) => modulesMeet(mod, t)) ?? mod }));
      weak.delete(agent);
    }
  }
  const near = ctx.near;
  if (weak.size > 0 && near) {
    for (const f of mine.targets) {
      for (const [node, path] of near(f)) {
        for (const view of views) {
          view.index.exactly(node, (p) => {
            if (p.kind !== 'target' || !weak.has(p.agent) || view.skip?.has(p.agent) === true || (p.expiresAt !== null && p.expiresAt <= ctx.now)) return;
            offer(p.agent, candidate('3', 30, f, node, null, { graph_path: path }));
            weak.delete(p.agent);
          });
        }
      }
    }
  }
  const partners = ctx.partners;
  if (weak.size > 0 && partners) {
    for (const f of mine.targets) {
      for (const [partner, degree] of partners(f)) {
        if (degree < 0.5) continue;
        for (const view of views) {
          view.index.exactly(partner, (p) => {
            if (p.kind !== 'edit' || !weak.has(p.agent) || view.skip?.has(p.agent) === true || ctx.now - p.at > ctx.editWindowMs) return;
            offer(p.agent, candidate('4', 40, f, partner, null, { pair_degree: Math.round(degree * 100) / 100 }));
            weak.delete(p.agent);
          });
        }
      }
    }
  }

  const scored: PeerScore[] = [];
  const blocked = new Set<string>();
  for (const [agent, best] of found) {
    const peer = peers.get(agent) as Peer;
    const unique = [...best.values()].sort(stronger);
    let sameFiles = false;
    for (const c of unique) {
      if (c.layer === 'R1') blocked.add(c.file);
      if (c.layer === '0a') sameFiles = true;
    }
    const top = unique[0] as Candidate;
    const score = peer.stale ? Math.min(top.score, STALE_CAP) : top.score;
    const theirSymbols = sameFiles && (mine.symbols?.length ?? 0) > 0 ? intentsOf(agent).flatMap((x) => x.symbols ?? []) : [];
    const disjoint = theirSymbols.length > 0 && !mine.symbols?.some((s) => theirSymbols.includes(s));
    scored.push({
      agent_id: agent,
      score,
      category: categoryOf(score),
      layer: top.layer,
      reason: `${agent} ${REASON[top.layer]}${peer.stale ? ' (stale: capped at 30)' : ''}`,
      evidence: unique.slice(0, EVIDENCE_SHOWN).map(evidenceOf),
      ...(unique.length > EVIDENCE_SHOWN ? { more: unique.length - EVIDENCE_SHOWN } : {}),
      ...(peer.stale ? { stale: true as const } : {}),
      ...(disjoint ? { disjoint_symbols: true as const } : {}),
    });
  }
  scored.sort((a, b) => b.score - a.score || (a.agent_id < b.agent_id ? -1 : 1));
  const score = scored[0]?.score ?? 0;
  return { verdict: categoryOf(score), score, peers: scored, blocked_files: [...blocked].sort() };
}
