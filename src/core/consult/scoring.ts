/**
 * @module Impact scoring of one announce against every live peer: seed 004's
 * table (layers 0a/0b/0c/1/2/3 and their numbers) plus reservations (R1/R2),
 * claimed tasks' files (T1/T2), the import graph within depth 2 (in layer 3) and
 * co-change (layer 4, never concerned alone). A peer's score is the maximum of
 * its evidence; its evidence is listed strongest first, at most three items and
 * a count of the rest. The caller's own work is never passed in; a stale peer
 * scores at most 30. Posting lists keep the cost to my files × postings hit.
 */
import { modulesMeet } from './paths.js';
import { PathIndex } from './path-index.js';

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

export interface PeerIntent extends Work {
  id: string;
}

export interface PeerWork {
  agent: string;
  /** Presence stale: reported, capped at 30. */
  stale: boolean;
  /** Modules the peer registered with. */
  modules: readonly string[];
  intents: readonly PeerIntent[];
  reservations: readonly { leaseId: string; paths: readonly string[]; exclusive: boolean; expiresAt: number }[];
  tasks: readonly { taskId: string; files: readonly string[] }[];
  edits: readonly { file: string; at: number }[];
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

type Posting = { peer: number; kind: 'target' | 'depend'; intent: string } | { peer: number; kind: 'reservation'; leaseId: string; exclusive: boolean; expiresAt: number } | { peer: number; kind: 'task'; taskId: string } | { peer: number; kind: 'edit'; at: number };

/** Builds the posting index of every peer's work (once per scoring). */
function indexOf(peers: readonly PeerWork[]): PathIndex<Posting> {
  const index = new PathIndex<Posting>();
  peers.forEach((p, peer) => {
    for (const i of p.intents) {
      for (const f of i.targets) index.add(f, { peer, kind: 'target', intent: i.id });
      for (const f of i.depends) index.add(f, { peer, kind: 'depend', intent: i.id });
    }
    for (const r of p.reservations) for (const f of r.paths) index.add(f, { peer, kind: 'reservation', leaseId: r.leaseId, exclusive: r.exclusive, expiresAt: r.expiresAt });
    for (const t of p.tasks) for (const f of t.files) index.add(f, { peer, kind: 'task', taskId: t.taskId });
    for (const e of p.edits) index.add(e.file, { peer, kind: 'edit', at: e.at });
  });
  return index;
}

export function scoreAnnounce(mine: Work, peers: readonly PeerWork[], ctx: ScoringContext): ScoreResult {
  const found = peers.map((): Evidence[] => []);
  const index = indexOf(peers);
  const editScore = (at: number, full: number, decayed: number): number => {
    const age = ctx.now - at;
    return age <= ctx.editWindowMs ? full : age <= ctx.editDecayMs ? decayed : 0;
  };
  const visit = (file: string, role: 'target' | 'depend') => (p: Posting, theirs: string): void => {
    const list = found[p.peer] as Evidence[];
    const base = { file, ...(theirs !== file ? { their_file: theirs } : {}) };
    switch (p.kind) {
      case 'target':
        list.push({ ...base, layer: role === 'target' ? '0a' : '0b', score: role === 'target' ? 100 : 80, via: { intent_id: p.intent } });
        break;
      case 'depend':
        if (role === 'target') list.push({ ...base, layer: '0c', score: 80, via: { intent_id: p.intent } });
        break;
      case 'reservation': {
        const via = { lease_id: p.leaseId, holder: peers[p.peer]?.agent ?? '', expires_at: p.expiresAt };
        if (role === 'target' && p.exclusive) list.push({ ...base, layer: 'R1', score: 100, via, blocked: true });
        else if (role === 'target' || p.exclusive) list.push({ ...base, layer: 'R2', score: 80, via });
        break;
      }
      case 'task':
        list.push({ ...base, layer: role === 'target' ? 'T1' : 'T2', score: role === 'target' ? 90 : 80, via: { task_id: p.taskId } });
        break;
      case 'edit': {
        const score = role === 'target' ? editScore(p.at, 100, 60) : editScore(p.at, 80, 40);
        if (score > 0) list.push({ ...base, layer: role === 'target' ? '1' : '2', score, via: { edit_at: p.at } });
        break;
      }
    }
  };
  for (const f of mine.targets) index.lookup(f, visit(f, 'target'));
  for (const f of mine.depends) index.lookup(f, visit(f, 'depend'));

  peers.forEach((peer, i) => {
    const list = found[i] as Evidence[];
    // Layer 3 only matters when nothing stronger was found.
    if (list.length === 0) {
      const theirModules = [...peer.modules, ...peer.intents.flatMap((x) => x.modules)];
      const mod = mine.modules.find((m) => theirModules.some((t) => modulesMeet(m, t)));
      let near = false;
      if (mod !== undefined) near = list.push({ layer: '3', score: 30, file: mod, via: { module: theirModules.find((t) => modulesMeet(mod, t)) ?? mod } }) > 0;
      else if (ctx.near) {
        const theirs = new Set(peer.intents.flatMap((x) => x.targets));
        outer: for (const f of mine.targets) {
          for (const [node, path] of ctx.near(f)) {
            if (theirs.has(node)) {
              near = list.push({ layer: '3', score: 30, file: f, their_file: node, via: { graph_path: path } }) > 0;
              break outer;
            }
          }
        }
      }
      if (!near && ctx.partners) {
        outer2: for (const f of mine.targets) {
          for (const [partner, degree] of ctx.partners(f)) {
            const edit = peer.edits.find((e) => e.file === partner && ctx.now - e.at <= ctx.editWindowMs);
            if (degree >= 0.5 && edit) {
              list.push({ layer: '4', score: 40, file: f, their_file: partner, via: { pair_degree: Math.round(degree * 100) / 100 } });
              break outer2;
            }
          }
        }
      }
    }
  });

  const scored: PeerScore[] = [];
  const blocked = new Set<string>();
  peers.forEach((peer, i) => {
    const evidence = found[i] as Evidence[];
    if (evidence.length === 0) return;
    evidence.sort((a, b) => b.score - a.score);
    // One item per (layer, file): the strongest first, no repeats.
    const seen = new Set<string>();
    const unique = evidence.filter((e) => {
      const key = `${e.layer}\u0000${e.file}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    for (const e of unique) if (e.blocked) blocked.add(e.file);
    const top = unique[0] as Evidence;
    const score = peer.stale ? Math.min(top.score, STALE_CAP) : top.score;
    const sameFiles = unique.some((e) => e.layer === '0a');
    const theirSymbols = peer.intents.flatMap((x) => x.symbols ?? []);
    const disjoint = sameFiles && (mine.symbols?.length ?? 0) > 0 && theirSymbols.length > 0 && !mine.symbols?.some((s) => theirSymbols.includes(s));
    scored.push({
      agent_id: peer.agent,
      score,
      category: categoryOf(score),
      layer: top.layer,
      reason: `${peer.agent} ${REASON[top.layer]}${peer.stale ? ' (stale: capped at 30)' : ''}`,
      evidence: unique.slice(0, EVIDENCE_SHOWN),
      ...(unique.length > EVIDENCE_SHOWN ? { more: unique.length - EVIDENCE_SHOWN } : {}),
      ...(peer.stale ? { stale: true as const } : {}),
      ...(disjoint ? { disjoint_symbols: true as const } : {}),
    });
  });
  scored.sort((a, b) => b.score - a.score || (a.agent_id < b.agent_id ? -1 : 1));
  const score = scored[0]?.score ?? 0;
  return { verdict: categoryOf(score), score, peers: scored, blocked_files: [...blocked] };
}
