/**
 * @module `baton agent list|show`: the project's agents (list_agents), live ones
 * by default; `show ID` is that agent's full record.
 */
import { act, type CommonFlags, type Result } from '../act.js';
import { ApiError } from '../client/errors.js';
import { duration, fields, table, type Paint } from '../output.js';

interface AgentRow {
  id: string;
  name?: string;
  status: string;
  activity?: string;
  current_file?: string;
  branch?: string;
  last_seen_s: number;
}

const ALL = ['active', 'idle', 'stale', 'unresponsive', 'abandoned', 'offline'];

const statusStyle = (a: AgentRow) => (a.status === 'active' ? 'green' : a.status === 'idle' ? undefined : a.status === 'stale' ? 'yellow' : 'dim');

export async function agentList(flags: CommonFlags & { all?: boolean | undefined; status?: string[] | undefined; limit?: number | undefined; cursor?: string | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const status = flags.all ? ALL : flags.status;
    const answer = await client.call('list_agents', { ...(status ? { status } : {}), ...(flags.limit !== undefined ? { limit: flags.limit } : {}), ...(flags.cursor ? { cursor: flags.cursor } : {}) });
    const agents = (answer['agents'] ?? []) as AgentRow[];
    const human = (p: Paint): string =>
      table(agents, [
        { header: 'id', value: (a) => a.id },
        { header: 'name', value: (a) => a.name },
        { header: 'status', value: (a) => a.status, style: statusStyle },
        { header: 'activity', value: (a) => a.activity },
        { header: 'branch', value: (a) => a.branch },
        { header: 'file', value: (a) => a.current_file },
        { header: 'seen', value: (a) => `${duration(a.last_seen_s)} ago`, right: true },
      ], p);
    return { json: answer, human };
  });
}

export async function agentShow(id: string, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    // Pages through every agent, in full: there is no one-agent read, and a project has at most thousands.
    let cursor: string | undefined;
    for (;;) {
      const answer = await client.call('list_agents', { status: ALL, detail: true, limit: 200, ...(cursor ? { cursor } : {}) });
      const found = ((answer['agents'] ?? []) as (AgentRow & Record<string, unknown>)[]).find((a) => a.id === id);
      if (found) {
        const human = (p: Paint): string => fields(found, p);
        return { json: { agent: found }, human };
      }
      cursor = typeof answer['next_cursor'] === 'string' ? answer['next_cursor'] : undefined;
      if (!cursor) throw new ApiError('NOT_FOUND', `No agent '${id}'.`, 'Check the id and the project; `baton agent list --all` shows every agent.', 404, { agent: id });
    }
  });
}
