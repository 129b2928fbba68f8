/**
 * @module `baton task add --file graph.json|graph.yaml`: a whole task DAG from a
 * file, either a list of tasks or `{ "tasks": [...] }`, each with add_task's
 * fields (id, title, description, dependencies, priority, labels, files). The
 * server validates and refuses cycles; here the tasks are only put in dependency
 * order and cut into batches of 500 (add_task's most), so a dependency is always
 * in the same batch or an earlier one.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UsageError } from '../client/errors.js';

type TaskSpec = Record<string, unknown>;

const BATCH = 500;

async function parse(path: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, 'Give a readable .json or .yaml file.');
  }
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  try {
    if (yaml) return await import('yaml').then(({ parse: parseYaml }) => parseYaml(text) as unknown);
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}`, 'Fix the file; README, "Shell scripts and CI", shows the format.');
  }
}

/** The tasks of a graph file, in batches the server can add one after another. */
export async function readTaskGraph(path: string): Promise<TaskSpec[][]> {
  const doc = await parse(path);
  const list = Array.isArray(doc) ? doc : (doc as { tasks?: unknown } | null)?.tasks;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`${path} has no tasks.`, 'Give a list of tasks, or an object with a "tasks" list; each task has at least a title.');
  const tasks = list.map((t, i) => {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new UsageError(`${path}: task ${i + 1} is not an object.`, 'Each task is an object such as {"id": "build", "title": "Build", "dependencies": ["lint"]}.');
    return t as TaskSpec;
  });
  return chunk(dependencyOrder(tasks));
}

/** Dependencies first (Kahn); a cycle leaves the rest in file order, for the server to name. */
function dependencyOrder(tasks: TaskSpec[]): TaskSpec[] {
  const byId = new Map<string, TaskSpec>();
  for (const t of tasks) if (typeof t['id'] === 'string') byId.set(t['id'], t);
  const placed = new Set<TaskSpec>();
  const out: TaskSpec[] = [];
  const depsOf = (t: TaskSpec): TaskSpec[] => (Array.isArray(t['dependencies']) ? t['dependencies'] : []).flatMap((d) => (typeof d === 'string' && byId.has(d) ? [byId.get(d) as TaskSpec] : []));
  let progress = true;
  while (progress && out.length < tasks.length) {
    progress = false;
    for (const t of tasks) {
      if (placed.has(t) || !depsOf(t).every((d) => placed.has(d))) continue;
      placed.add(t);
      out.push(t);
      progress = true;
    }
  }
  return [...out, ...tasks.filter((t) => !placed.has(t))];
}

function chunk(tasks: TaskSpec[]): TaskSpec[][] {
  const batches: TaskSpec[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
  return batches;
}
