/**
 * @module `baton state get|set|list|delete`: the project's shared key-value state
 * (retrieve_data, store_data, list_keys, delete_data, delete_scope). `set` reads
 * its value as JSON when it parses (`42`, `{"a":1}`, `true`), else as a string;
 * `--if-version N` makes it compare-and-set (0: must not exist; exit 5 on a
 * version conflict). `get` prints the value alone, so `$(baton state get …)` is it.
 */
import { act, type CommonFlags, type Result } from '../act.js';
import { table, type Paint } from '../output.js';

const str = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function stateGet(scope: string, key: string, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('retrieve_data', { scope, key });
    const value = answer['value'];
    return { json: answer, human: () => `${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n` };
  });
}

export async function stateSet(scope: string, key: string, value: string, flags: CommonFlags & { ifVersion?: number | undefined; ttl?: number | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('store_data', { scope, key, value: parseValue(value), ...(flags.ifVersion !== undefined ? { if_version: flags.ifVersion } : {}), ...(flags.ttl !== undefined ? { ttl_seconds: Math.round(flags.ttl) } : {}) });
    return { json: answer, human: (p: Paint) => `${p('green', 'stored')} ${scope}/${key} version ${str(answer['version'])}\n` };
  });
}

interface KeyRow {
  key: string;
  version: number;
  updated_by?: string;
  updated_at: string;
}

export async function stateList(scope: string | undefined, flags: CommonFlags & { prefix?: string | undefined; limit?: number | undefined; cursor?: string | undefined }): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = await client.call('list_keys', { ...(scope !== undefined ? { scope } : {}), ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}), ...(flags.limit !== undefined ? { limit: flags.limit } : {}), ...(flags.cursor ? { cursor: flags.cursor } : {}) });
    const human = (p: Paint): string => {
      if (Array.isArray(answer['keys'])) {
        return table(answer['keys'] as KeyRow[], [
          { header: 'key', value: (k) => k.key },
          { header: 'version', value: (k) => k.version, right: true },
          { header: 'updated by', value: (k) => k.updated_by },
          { header: 'updated at', value: (k) => k.updated_at },
        ], p);
      }
      return table((answer['scopes'] ?? []) as { scope: string; keys: number }[], [
        { header: 'scope', value: (s) => s.scope },
        { header: 'keys', value: (s) => s.keys, right: true },
      ], p);
    };
    return { json: answer, human };
  });
}

export async function stateDelete(scope: string, key: string | undefined, flags: CommonFlags): Promise<void> {
  await act(flags, async (client): Promise<Result> => {
    const answer = key === undefined ? await client.call('delete_scope', { scope }) : await client.call('delete_data', { scope, key });
    const what = key === undefined ? `scope ${scope}` : `${scope}/${key}`;
    const deleted = answer['deleted'] === true || (typeof answer['deleted_keys'] === 'number' && answer['deleted_keys'] > 0);
    return { json: answer, human: (p: Paint) => (deleted ? `${p('green', 'deleted')} ${what}\n` : `${p('dim', 'nothing to delete:')} ${what}\n`) };
  });
}
