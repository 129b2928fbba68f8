/**
 * @module What `baton status` adds when the server answers: the project of this
 * directory at a glance (coordinator_status: agents, locks, reservations, slots,
 * waiters, tasks by status, the store's health), through the REST client.
 */
import { BatonClient } from '../client/http-client.js';
import type { ServerStatus } from './server-control.js';

type Counts = Record<string, number>;

const listCounts = (counts: unknown): string => {
  const entries = Object.entries((counts ?? {}) as Counts).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
};

// cli/main.ts imports this lazily (`await import`), which ts-unused-exports does not follow.
export async function projectSummary(status: ServerStatus): Promise<{ json: { coordinator?: unknown }; text: string }> {
  if (!status.running || !status.url || !status.project) return { json: {}, text: '' };
  const client = new BatonClient({ url: status.url, token: process.env['BATON_TOKEN'] || undefined, project: status.project.id });
  try {
    const s = await client.call('coordinator_status', {}, { timeoutMs: 3000 });
    const slots = s['worker_slots'] as { used: number; total: number } | undefined;
    const store = s['store'] as { engine?: string; status?: string } | undefined;
    const text = [
      `Agents: ${listCounts(s['agents'])}.`,
      `Locks ${String(s['locks'])}, reservations ${String(s['reservations'])}, worker slots ${slots ? `${slots.used}/${slots.total}` : '?'}, waiting ${String(s['waiters'])}.`,
      `Tasks: ${listCounts(s['tasks'])}.`,
      `Store: ${store?.engine ?? '?'} ${store?.status ?? '?'}.`,
    ].join('\n');
    return { json: { coordinator: s }, text: `${text}\n` };
  } catch (error) {
    return { json: { coordinator_error: error instanceof Error ? error.message : String(error) } as { coordinator?: unknown }, text: `Project status: unavailable (${error instanceof Error ? error.message : String(error)}).\n` };
  }
}
