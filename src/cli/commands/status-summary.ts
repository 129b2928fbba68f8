/**
 * @module What `baton status` adds when the server answers: the project of this
 * directory at a glance (coordinator_status: agents, locks, reservations, slots,
 * waiters, tasks by status, the store's health), through the REST client.
 */
import type { BatonClient } from '../client/http-client.js';

type Counts = Record<string, number>;

const listCounts = (counts: unknown): string => {
  const entries = Object.entries((counts ?? {}) as Counts).filter(([, n]) => n > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${n} ${k}`).join(', ');
};

export interface ProjectSummary {
  json: { coordinator?: unknown; coordinator_error?: string };
  text: string;
}

/** The summary of the client's project; a refusal (a token missing on a team server) is shown, not thrown. */
export async function projectSummary(client: BatonClient): Promise<ProjectSummary> {
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
    const reason = error instanceof Error ? error.message : String(error);
    return { json: { coordinator_error: reason }, text: `Project status: unavailable (${reason}).\n` };
  }
}
