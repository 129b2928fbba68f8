/**
 * @module The project's dependency map: file (or module) → what it imports.
 * Accepts seed 004's module JSON and file maps such as madge's `{file: [deps]}`
 * or dependency-cruiser's `modules[]`, normalised to one shape. Answers the
 * reverse walk (blast radius) with depth, cycles handled by a visited set and a
 * truncation flag, and the "within depth 2 in either direction" test scoring uses.
 */
import { invalidInput } from '../errors.js';

export type DependencyMap = Record<string, string[]>;

const DEPMAP_LIMITS = { nodes: 20_000, edges: 200_000 } as const;

/** Bytes of a map accepted in one call (the REST route's body limit follows it). */
export const MAX_MAP_BYTES = 8 * 1024 * 1024;

interface CruiserModule {
  source: string;
  dependencies?: { resolved?: string; module?: string }[];
}

const clean = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** The map in one shape, from any of the accepted formats; INVALID_INPUT / LIMIT_EXCEEDED otherwise. */
export function normalizeDependencyMap(input: unknown): DependencyMap {
  let entries: [string, string[]][];
  if (Array.isArray(input)) {
    entries = (input as unknown[]).map((raw) => {
      const m = raw as CruiserModule | null;
      if (m === null || typeof m !== 'object' || typeof m.source !== 'string') throw invalidInput('Each module needs a string `source`.', { field: 'modules' });
      const deps: unknown = m.dependencies ?? [];
      if (!Array.isArray(deps)) throw invalidInput(`The dependencies of '${m.source.slice(0, 80)}' must be a list.`, { field: 'modules' });
      return [m.source, deps.flatMap((d: unknown) => {
        if (d === null || typeof d !== 'object') return [];
        const { resolved, module } = d as { resolved?: unknown; module?: unknown };
        const path = typeof resolved === 'string' ? resolved : typeof module === 'string' ? module : '';
        return path === '' ? [] : [path];
      })];
    });
  } else if (input !== null && typeof input === 'object') {
    entries = Object.entries(input as Record<string, unknown>).map(([k, v]) => {
      const deps = Array.isArray(v) ? v : v !== null && typeof v === 'object' && Array.isArray((v as { depends_on?: unknown }).depends_on) ? (v as { depends_on: unknown[] }).depends_on : null;
      if (!deps || !deps.every((d) => typeof d === 'string')) throw invalidInput(`modules['${k.slice(0, 80)}'] must be a list of paths.`, { field: 'modules' });
      return [k, deps];
    });
  } else {
    throw invalidInput('modules must be an object {path: [deps]} or a list of {source, dependencies}.', { field: 'modules' });
  }
  const map: DependencyMap = {};
  let edges = 0;
  for (const [k, deps] of entries) {
    const key = clean(k);
    if (key === '' || key.length > 500) throw invalidInput('A module path is empty or longer than 500 characters.', { field: 'modules' });
    const set = new Set(map[key] ?? []);
    for (const d of deps) if (d.length <= 500 && clean(d) !== key) set.add(clean(d));
    map[key] = [...set];
    edges += set.size;
  }
  const nodes = Object.keys(map).length;
  if (nodes > DEPMAP_LIMITS.nodes || edges > DEPMAP_LIMITS.edges) throw invalidInput(`The map has ${nodes} modules and ${edges} edges; at most ${DEPMAP_LIMITS.nodes} and ${DEPMAP_LIMITS.edges}.`, { field: 'modules', limit: DEPMAP_LIMITS.nodes });
  return map;
}

export interface RadiusNode {
  node: string;
  depth: number;
  /** The node one step closer to the start. */
  via: string;
}

/** Reverse adjacency: who imports each node. */
export function dependentsOf(map: DependencyMap): Map<string, string[]> {
  const reverse = new Map<string, string[]>();
  for (const [from, deps] of Object.entries(map)) {
    for (const to of deps) {
      let list = reverse.get(to);
      if (!list) reverse.set(to, (list = []));
      list.push(from);
    }
  }
  return reverse;
}

/** Breadth-first walk from `start` along `next`, to `depth`, at most `limit` nodes. */
export function walk(start: string, next: (node: string) => readonly string[], depth: number, limit: number): { nodes: RadiusNode[]; truncated: boolean } {
  const seen = new Set([start]);
  const nodes: RadiusNode[] = [];
  let frontier = [start];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const following: string[] = [];
    for (const from of frontier) {
      for (const to of next(from)) {
        if (seen.has(to)) continue;
        if (nodes.length >= limit) return { nodes, truncated: true };
        seen.add(to);
        nodes.push({ node: to, depth: d, via: from });
        following.push(to);
      }
    }
    frontier = following;
  }
  return { nodes, truncated: false };
}

/** The nodes within `depth` of `start` in either direction (import or imported by), with the path found. */
export function neighbourhood(map: DependencyMap, reverse: Map<string, string[]>, start: string, depth: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of walk(start, (n) => [...(map[n] ?? []), ...(reverse.get(n) ?? [])], depth, 5_000).nodes) out.set(r.node, r.via === start ? `${start}→${r.node}` : `${start}→${r.via}→${r.node}`);
  return out;
}
