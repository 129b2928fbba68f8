/**
 * @module File activity and the dependency map. An edit is one row per
 * (agent, file) holding its last time and count, so activity reads cost what the
 * window holds, not the history; an edit renews the editor's intents on that
 * file. The map is one doc, replaced whole with a new version; scoring reads
 * its neighbourhoods through a memo per map version.
 */
import { dependentsOf, neighbourhood, type DependencyMap } from '../../../core/consult/dependency-map.js';
import type { Doc, EditBody } from '../../../core/consult/doc.js';
import { intentCovers, isActiveIntent, renewed, type IntentDoc } from '../../../core/consult/intent.js';
import type { ScoringContext } from '../../../core/consult/scoring.js';
import { event } from '../../../core/events/event.js';
import type { ConsultPolicy, DepmapBody } from '../../consult-port.js';
import { read, type StepGen } from '../../step/reads.js';
import type { StepContext } from '../../step/runner.js';
import { immediate, type Step } from '../../step/runner.js';


const DEPMAP_ID = 'current';
const editId = (agent: string, file: string): string => `${agent}|${file}`;

export function* recordEdits(s: StepContext, agent: string, files: string[], policy: ConsultPolicy): StepGen<{ renewed: string[] }> {
  for (const file of files) {
    const id = editId(agent, file);
    const prior = (yield* read({ t: 'doc', kind: 'edit', id })) as Doc<EditBody> | null;
    const body: EditBody = { file, count: (prior?.body.count ?? 0) + 1, first_at: prior?.body.first_at ?? s.now };
    s.put('doc', { kind: 'edit', id, owner: agent, status: 'edit', sort: s.now, expiresAt: s.now + policy.editRetentionMs, body });
  }
  const renewedIds: string[] = [];
  for (const d of (yield* read({ t: 'docs', kind: 'intent', owner: agent, status: 'active' })) as IntentDoc[]) {
    if (!isActiveIntent(d, s.now) || !files.some((f) => intentCovers(d, f))) continue;
    s.put('doc', renewed(d, s.now));
    renewedIds.push(d.id);
  }
  s.emit(event('file.edited', agent, files[0] ?? '', { agent, files: files.slice(0, 20) }));
  return { renewed: renewedIds };
}

export const setDependencyMap = (actor: string | null, modules: DependencyMap, source: string | null, cochange: DepmapBody['cochange']): Step<{ version: number }> =>
  function* (s) {
    const prior = (yield* read({ t: 'doc', kind: 'depmap', id: DEPMAP_ID })) as Doc<DepmapBody> | null;
    const version = (prior?.body.version ?? 0) + 1;
    s.put('doc', { kind: 'depmap', id: DEPMAP_ID, owner: actor, status: 'current', sort: version, expiresAt: null, body: { version, modules, source, cochange, setAt: s.now } });
    s.emit(event('deps.map_set', actor, DEPMAP_ID, { version, modules: Object.keys(modules).length, source }));
    return { version };
  };

export const logAction = (actor: string, summary: string) => immediate((s) => s.emit(event('action.logged', actor, actor, { summary })));

/** Neighbourhoods (depth 2, either direction) of one map version, computed once per file. */
const memo = new Map<string, { reverse: Map<string, string[]>; near: Map<string, Map<string, string>> }>();

export function* depmapContext(): StepGen<Pick<ScoringContext, 'near' | 'partners'>> {
  const doc = (yield* read({ t: 'doc', kind: 'depmap', id: DEPMAP_ID })) as Doc<DepmapBody> | null;
  if (!doc) return {};
  const map = doc.body.modules;
  const key = `${doc.body.setAt}:${doc.body.version}:${Object.keys(map).length}`;
  let entry = memo.get(key);
  if (!entry) {
    if (memo.size > 16) memo.clear();
    entry = { reverse: dependentsOf(map), near: new Map() };
    memo.set(key, entry);
  }
  const { reverse, near } = entry;
  const cochange = doc.body.cochange;
  return {
    near: (file) => {
      let hit = near.get(file);
      if (!hit) near.set(file, (hit = neighbourhood(map, reverse, file, 2)));
      return hit;
    },
    ...(cochange ? { partners: (file: string) => new Map(Object.entries(cochange[file] ?? {})) } : {}),
  };
}
