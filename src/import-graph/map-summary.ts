/**
 * @module What a file-level import map says at a glance: its modules (the
 * directories, each with the directories it imports from), how many import
 * cycles it has (strongly connected groups of two or more files), and the files
 * most imported.
 */

export type FileMap = Readonly<Record<string, readonly string[]>>;

export interface ModuleGroup {
  files: number;
  /** The other modules its files import. */
  depends_on: string[];
}

/** A file's module: its directory (`.` at the top). */
const moduleOf = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.');

/** The map grouped by directory: each directory's file count and the directories it depends on. */
export function moduleGroups(map: FileMap): Record<string, ModuleGroup> {
  const groups = new Map<string, { files: number; deps: Set<string> }>();
  const group = (name: string): { files: number; deps: Set<string> } => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { files: 0, deps: new Set() }));
    return g;
  };
  for (const [file, deps] of Object.entries(map)) {
    const mine = moduleOf(file);
    const g = group(mine);
    g.files++;
    for (const dep of deps) if (moduleOf(dep) !== mine) g.deps.add(moduleOf(dep));
  }
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, g]) => [name, { files: g.files, depends_on: [...g.deps].sort() }]));
}

/** The import cycles: groups of files that all reach each other (Tarjan's algorithm, iterative), each sorted, largest first. */
export function importCycles(map: FileMap): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const start of Object.keys(map)) {
    if (index.has(start)) continue;
    // Each frame: a node and the position of the next dependency to visit.
    const frames: [string, number][] = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (!frame) break;
      const [node, next] = frame;
      const deps = map[node] ?? [];
      if (next < deps.length) {
        frame[1]++;
        const dep = deps[next] ?? '';
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          frames.push([dep, 0]);
        } else if (onStack.has(dep)) low.set(node, Math.min(low.get(node) ?? 0, index.get(dep) ?? 0));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) ?? 0, low.get(node) ?? 0));
      if (low.get(node) !== index.get(node)) continue;
      const members: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        members.push(member);
        if (member === node) break;
      }
      if (members.length > 1) cycles.push(members.sort());
    }
  }
  return cycles.sort((a, b) => b.length - a.length || (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** The `count` files imported by the most files, most first (ties by path). */
export function mostImported(map: FileMap, count: number): { file: string; imported_by: number }[] {
  const fanIn = new Map<string, number>();
  for (const deps of Object.values(map)) for (const dep of deps) fanIn.set(dep, (fanIn.get(dep) ?? 0) + 1);
  return [...fanIn.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .slice(0, count)
    .map(([file, n]) => ({ file, imported_by: n }));
}
