/**
 * @module `baton task add|list|ready|claim|done|fail|reset|show`: the task graph
 * (add_task, get_all_tasks, claim_task, update_task, reset_failed_task,
 * get_task). `claim` prints the claim token that `done` and `fail` need
 * (--token, or BATON_TASK_TOKEN); `claim` with nothing ready exits 75 (busy).
 */
import { act, type CommonFlags, type Result } from '../act.js';
import { UsageError } from '../client/errors.js';
import { EXIT } from '../client/exit-codes.js';
import type { Answer } from '../client/http-client.js';
import { fields, table, type Paint } from '../output.js';
import { readTaskGraph } from './task-file.js';

interface TaskRow {
  id: string;
  title: string;
  status: string;
  priority?: number;
  claimed_by?: string;
  dependencies?: string[];
  labels?: string[];
}

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

const statusStyle = (t: TaskRow) => (t.status === 'done' ? 'green' : t.status === 'failed' ? 'red' : t.status === 'ready' ? 'cyan' : t.status === 'claimed' ? 'yellow' : undefined);

function tasksTable(tasks: readonly TaskRow[], paint: Paint): string {
  return table(tasks, [
    { header: 'id', value: (t) => t.id },
    { header: 'status', value: (t) => t.status, style: statusStyle },
    { header: 'pri', value: (t) => t.priority ?? 0, right: true },
    { header: 'title', value: (t) => t.title },
    { header: 'claimed by', value: (t) => t.claimed_by },
    { header: 'after', value: (t) => t.dependencies?.join(',') },
    { header: 'labels', value: (t) => t.labels?.join(',') },
  ], paint);
}

const page = (answer: Answer, paint: Paint): string => (answer['truncated'] === true ? paint('dim', `(${str(answer['total'])} in all; more: --cursor ${str(answer['next_cursor'])})\n`) : '');

export interface AddFlags extends CommonFlags {
  file?: string | undefined;
  id?: string | undefined;
  dep?: string[] | undefined;
  priority?: number | undefined;
  label?: string[] | undefined;
  path?: string[] | undefined;
  description?: string | undefined;
}

export async function taskAdd(title: string | undefined, flags: AddFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    if (flags.file !== undefined) {
      if (title !== undefined) throw new UsageError('give either a title or --file, not both.');
      const added: TaskRow[] = [];
      for (const batch of await readTaskGraph(flags.file)) added.push(...(((await client.call('add_task', { tasks: batch }))['added'] ?? []) as TaskRow[]));
      return { json: { added }, human: (p) => `${p('green', 'added')} ${added.length} tasks\n${tasksTable(added, p)}` };
    }
    if (title === undefined) throw new UsageError('give the task title, or --file graph.json|yaml.');
    const answer = await client.call('add_task', {
      title,
      ...(flags.id !== undefined ? { id: flags.id } : {}),
      ...(flags.dep ? { dependencies: flags.dep } : {}),
      ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
      ...(flags.label ? { labels: flags.label } : {}),
      ...(flags.path ? { files: flags.path } : {}),
      ...(flags.description !== undefined ? { description: flags.description } : {}),
    });
    const tasks = (answer['added'] ?? []) as TaskRow[];
    return { json: answer, human: (p) => `${p('green', 'added')} ${tasks.map((t) => `${t.id} (${t.status})`).join(', ')}\n` };
  });
}

export async function taskList(flags: CommonFlags & { status?: string[] | undefined; label?: string[] | undefined; limit?: number | undefined; cursor?: string | undefined }, ready = false): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('get_all_tasks', {
      ...(ready ? { status: ['ready'] } : flags.status ? { status: flags.status } : {}),
      ...(flags.label ? { labels: flags.label } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.cursor ? { cursor: flags.cursor } : {}),
    });
    const tasks = (answer['tasks'] ?? []) as TaskRow[];
    return { json: answer, human: (p) => tasksTable(tasks, p) + page(answer, p) };
  });
}

export async function taskShow(id: string, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('get_task', { task_id: id });
    const task = (answer['task'] ?? answer) as Record<string, unknown>;
    const human = (p: Paint): string => fields(task, p);
    return { json: answer, human };
  });
}

export async function taskClaim(id: string | undefined, flags: CommonFlags & { label?: string[] | undefined; ttl?: number | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('claim_task', { ...(id !== undefined ? { task_id: id } : {}), ...(flags.label ? { labels: flags.label } : {}), ...(flags.ttl !== undefined ? { ttl_seconds: flags.ttl } : {}) });
    const task = answer['task'] as TaskRow | undefined;
    if (answer['claimed'] === true && task) {
      return { json: answer, human: (p) => `${p('green', 'claimed')} ${task.id} token ${str(answer['token'])}: ${task.title}\n` };
    }
    return { json: answer, human: (p) => `${p('yellow', 'nothing claimed:')} ${str(answer['message']) || 'no task is ready'}\n`, exitCode: EXIT.BUSY };
  });
}

function tokenOf(flags: { token?: number | undefined }): number {
  const fromEnv = process.env['BATON_TASK_TOKEN'];
  const token = flags.token ?? (fromEnv ? Number(fromEnv) : undefined);
  if (token === undefined || !Number.isInteger(token) || token < 1) throw new UsageError('give the claim token: --token N (or BATON_TASK_TOKEN), as `baton task claim` printed it.');
  return token;
}

function parseOutput(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function taskFinish(id: string, status: 'done' | 'failed', flags: CommonFlags & { token?: number | undefined; output?: string | undefined; error?: string | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const output = parseOutput(flags.output);
    const answer = await client.call('update_task', { task_id: id, status, token: tokenOf(flags), ...(output !== undefined ? { output } : {}), ...(flags.error !== undefined ? { error: flags.error } : {}) });
    const unblocked = (answer['unblocked'] ?? []) as string[];
    return { json: answer, human: (p) => `${p(status === 'done' ? 'green' : 'red', status)} ${id}${unblocked.length > 0 ? `; now ready: ${unblocked.join(', ')}` : ''}\n` };
  });
}

export async function taskReset(id: string, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('reset_failed_task', { task_id: id });
    const task = answer['task'] as TaskRow | undefined;
    return { json: answer, human: (p) => `${p('green', 'reset')} ${id} (${task?.status ?? '?'})\n` };
  });
}
