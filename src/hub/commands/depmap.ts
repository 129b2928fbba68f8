/**
 * @module Dependency-map commands (toolset `depmap`): replace the map (seed
 * 004's module JSON, madge's `{file: [deps]}`, dependency-cruiser's modules[]),
 * and read it: the version, or for one file its blast radius (a reverse walk
 * with depth and a truncation flag, with the live intents and claimed tasks
 * inside it) and its direct imports and dependents.
 */
import { z } from 'zod';
import { dependentsOf, MAX_MAP_BYTES, normalizeDependencyMap, walk } from '../../core/consult/dependency-map.js';
import type { Doc } from '../../core/consult/doc.js';
import type { IntentBody } from '../../core/consult/intent.js';
import { pathsMeet } from '../../core/consult/paths.js';
import { invalidInput } from '../../core/errors.js';
import type { DepmapBody } from '../../store/consult-port.js';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { jsonValue, shortText } from '../fields.js';
import { iso } from '../views/common.js';

export const depmapCommands = [
  defineCommand({
    name: 'set_dependency_map',
    toolset: 'depmap',
    description: 'Replace the dependency map: {path: [imported paths]} (or dependency-cruiser modules[]). `baton depmap --write` computes and sends it.',
    mutating: true,
    destructive: true,
    input: z.object({ ...mutatingFields, modules: jsonValue, source: shortText.optional(), cochange: z.record(z.string(), z.record(z.string(), z.number().min(0).max(1))).optional() }),
    output: z.object({ version: z.number().int(), modules: z.number().int() }),
    async run(ctx, input, call) {
      if (Buffer.byteLength(JSON.stringify(input.modules)) > MAX_MAP_BYTES) throw invalidInput(`The map is larger than ${MAX_MAP_BYTES} bytes.`, { field: 'modules' });
      const map = normalizeDependencyMap(input.modules);
      const { version } = ctx.publish(await ctx.store.consult.setDependencyMap(ctx.mutation(call), call.agentId ?? null, map, input.source ?? null, input.cochange ?? null));
      return { version, modules: Object.keys(map).length };
    },
  }),
  defineCommand({
    name: 'dependency_map',
    toolset: 'depmap',
    description: "The map's version; with file: what imports it (depth ≤ 10), live intents and claimed tasks inside that radius, its imports and dependents.",
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, file: z.string().min(1).max(500).optional(), depth: z.number().int().min(1).max(10).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    output: z.object({
      version: z.number().int(), source: z.string().optional(), set_at: z.string().optional(), modules: z.number().int(),
      file: z.string().optional(), depends_on: z.array(z.string()).optional(), dependents: z.array(z.string()).optional(),
      nodes: z.array(z.object({ node: z.string(), depth: z.number().int(), via: z.string() })).optional(), truncated: z.boolean().optional(),
      intents: z.array(z.object({ intent_id: z.string(), agent_id: z.string(), file: z.string() })).optional(), tasks: z.array(z.object({ task_id: z.string(), agent_id: z.string(), file: z.string() })).optional(),
    }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const doc = (await ctx.store.consult.getDoc(call.project, 'depmap', 'current')) as Doc<DepmapBody> | null;
      const map = doc?.body.modules ?? {};
      const head = { version: doc?.body.version ?? 0, ...(doc?.body.source ? { source: doc.body.source } : {}), ...(doc ? { set_at: iso(doc.body.setAt) } : {}), modules: Object.keys(map).length };
      if (input.file === undefined) return head;
      const file = input.file.replace(/^\.\//, '');
      const reverse = dependentsOf(map);
      const radius = walk(file, (n) => reverse.get(n) ?? [], input.depth ?? 3, input.limit ?? 200);
      const inside = [file, ...radius.nodes.map((n) => n.node)];
      const now = ctx.now();
      const intents = ((await ctx.store.consult.listDocs(call.project, 'intent', { status: 'active' }, 5_000)) as Doc<IntentBody>[])
        .filter((d) => (d.expiresAt ?? Infinity) > now)
        .flatMap((d) => {
          const hit = inside.find((n) => d.body.targets.some((t) => pathsMeet(t, n)));
          return hit === undefined ? [] : [{ intent_id: d.id, agent_id: d.owner ?? '', file: hit }];
        });
      const tasks = (await ctx.store.listTasks(call.project, { status: ['claimed'], limit: 1_000 })).flatMap((t) => {
        const hit = inside.find((n) => t.files.some((f) => pathsMeet(f, n)));
        return hit === undefined || !t.claim ? [] : [{ task_id: t.id, agent_id: t.claim.agent, file: hit }];
      });
      return {
        ...head, file, depends_on: (map[file] ?? []).slice(0, 100), dependents: (reverse.get(file) ?? []).slice(0, 100), nodes: radius.nodes, truncated: radius.truncated,
        ...(intents.length > 0 ? { intents: intents.slice(0, 50) } : {}), ...(tasks.length > 0 ? { tasks: tasks.slice(0, 50) } : {}),
      };
    },
  }),
];
