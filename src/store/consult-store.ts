/**
 * @module The ConsultStore port over any step engine: each mutation one step of
 * ./steps/consult, run with the same request-id and acting-member guard as the
 * rest of the Store; reads are the engine's doc queries.
 */
import type { ConsultStore } from './consult-port.js';
import { recordEdits, logAction, setDependencyMap } from './steps/consult/activity-steps.js';
import { announce, updateIntent } from './steps/consult/intent-steps.js';
import { ackMessages, sendMessage } from './steps/consult/message-steps.js';
import { actOnThread } from './steps/consult/thread-steps.js';
import type { Step } from './step/runner.js';
import type { MutationContext, Written } from './mutation.js';

type Mutate = <T>(method: string, ctx: MutationContext, step: Step<T>) => Promise<Written<T>>;

export function createConsultStore(mutate: Mutate, queries: Pick<ConsultStore, 'getDoc' | 'listDocs'>): ConsultStore {
  return {
    announce: (ctx, input) => mutate('announce', ctx, (s) => announce(s, input)),
    updateIntent: (ctx, agent, id, mode, ttlMs) => mutate('updateIntent', ctx, (s) => updateIntent(s, agent, id, mode, ttlMs)),
    actOnThread: (ctx, input) => mutate('actOnThread', ctx, (s) => actOnThread(s, input)),
    sendMessage: (ctx, input) => mutate('sendMessage', ctx, (s) => sendMessage(s, input)),
    ackMessages: (ctx, agent, seqs, upTo) => mutate('ackMessages', ctx, (s) => ackMessages(s, agent, seqs, upTo)),
    recordEdits: (ctx, agent, files, policy) => mutate('recordEdits', ctx, (s) => recordEdits(s, agent, files, policy)),
    setDependencyMap: (ctx, actor, modules, source, cochange) => mutate('setDependencyMap', ctx, setDependencyMap(actor, modules, source, cochange)),
    logAction: (ctx, actor, summary) => mutate('logAction', ctx, logAction(actor, summary)),
    getDoc: queries.getDoc,
    listDocs: queries.listDocs,
  };
}
