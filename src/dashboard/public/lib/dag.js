// The task graph drawn as layers (no dagre: a longest-path layering and one barycentre pass
// are enough for a readable left-to-right DAG, in about a hundred lines), and its critical
// path: the longest chain of tasks not yet finished, which bounds when the graph can be done.
export const NODE_W = 170;
export const NODE_H = 30;
const GAP_X = 60;
const GAP_Y = 12;
const FINISHED = new Set(['done', 'cancelled']);

/** Task ids in dependency order (Kahn); dependencies outside `tasks` are ignored. */
function order(tasks) {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const indegree = new Map();
  const children = new Map();
  for (const t of tasks) {
    indegree.set(t.id, 0);
    children.set(t.id, []);
  }
  for (const t of tasks) for (const d of t.dependencies || []) if (byId.has(d)) { indegree.set(t.id, indegree.get(t.id) + 1); children.get(d).push(t.id); }
  const queue = tasks.filter((t) => indegree.get(t.id) === 0).map((t) => t.id);
  const out = [];
  while (queue.length) {
    const id = queue.shift();
    out.push(id);
    for (const c of children.get(id)) { indegree.set(c, indegree.get(c) - 1); if (indegree.get(c) === 0) queue.push(c); }
  }
  return { out, byId, children };
}

/** The longest chain of unfinished tasks: a Set of task ids and a Set of "from>to" edges. */
export function criticalPath(tasks) {
  const { out, byId } = order(tasks);
  const length = new Map();
  const via = new Map();
  for (const id of out) {
    const t = byId.get(id);
    if (FINISHED.has(t.status)) continue;
    let best = 0, from = null;
    for (const d of t.dependencies || []) {
      const l = length.get(d);
      if (l !== undefined && l > best) { best = l; from = d; }
    }
    length.set(id, best + 1);
    if (from) via.set(id, from);
  }
  let end = null, max = 0;
  for (const [id, l] of length) if (l > max) { max = l; end = id; }
  const nodes = new Set(), edges = new Set();
  while (end) {
    nodes.add(end);
    const from = via.get(end);
    if (from) edges.add(`${from}>${end}`);
    end = from || null;
  }
  return { nodes, edges, length: max };
}

/** Positions for every task and a path for every dependency edge. */
export function layout(tasks) {
  const { out, byId, children } = order(tasks);
  const layer = new Map();
  for (const id of out) {
    let l = 0;
    for (const d of byId.get(id).dependencies || []) if (layer.has(d)) l = Math.max(l, layer.get(d) + 1);
    layer.set(id, l);
  }
  // Tasks in a cycle (refused by the server, but be safe) go last.
  for (const t of tasks) if (!layer.has(t.id)) layer.set(t.id, 0);
  const layers = [];
  for (const [id, l] of layer) (layers[l] ||= []).push(id);
  const rank = new Map();
  layers.forEach((ids, l) => {
    if (l > 0) {
      const bary = (id) => {
        const ds = (byId.get(id).dependencies || []).filter((d) => rank.has(d));
        return ds.length ? ds.reduce((s, d) => s + rank.get(d), 0) / ds.length : Number.MAX_SAFE_INTEGER;
      };
      ids.sort((a, b) => bary(a) - bary(b));
    }
    ids.forEach((id, i) => rank.set(id, i));
  });
  const nodes = [];
  const pos = new Map();
  layers.forEach((ids, l) => ids.forEach((id, i) => {
    const p = { x: 10 + l * (NODE_W + GAP_X), y: 10 + i * (NODE_H + GAP_Y) };
    pos.set(id, p);
    nodes.push({ id, task: byId.get(id), ...p });
  }));
  const edges = [];
  for (const [from, tos] of children) for (const to of tos) {
    const a = pos.get(from), b = pos.get(to);
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2, mid = (x1 + x2) / 2;
    edges.push({ from, to, d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
  }
  const width = 20 + layers.length * (NODE_W + GAP_X);
  const height = 20 + Math.max(1, ...layers.map((ids) => ids.length)) * (NODE_H + GAP_Y);
  return { nodes, edges, width, height };
}
