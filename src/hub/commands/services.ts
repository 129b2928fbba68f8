/**
 * @module Service registry commands: register a non-agent process with its
 * version, tools, capabilities and dependencies; report health; list.
 */
import { z } from 'zod';
import { callerFields, defineCommand, mutatingFields } from '../command.js';
import { idField, shortText, stringList } from '../fields.js';
import { page, pageInput, pageOutput } from '../paging.js';
import { agentRowSchema, memberDetail, memberDetailSchema, serviceSummary } from '../views/members.js';

export const serviceCommands = [
  defineCommand({
    name: 'register_service',
    toolset: 'services',
    description: 'Register a service (an MCP server, a tool, a daemon) and what it offers.',
    mutating: true,
    idempotent: true,
    input: z.object({
      ...mutatingFields,
      service_id: idField.optional(),
      name: shortText.min(1),
      version: z.string().max(100).optional(),
      tools: stringList(500).optional(),
      capabilities: stringList(200).optional(),
      dependencies: stringList(200).optional(),
      metadata: z.record(z.string(), z.json()).optional(),
    }),
    output: z.object({ service_id: z.string(), service: memberDetailSchema }),
    async run(ctx, input, call) {
      const id = input.service_id ?? call.agentId ?? ctx.ids.next('svc');
      const member = ctx.publish(
        await ctx.store.registerMember(ctx.mutation(call), {
          id,
          name: input.name,
          kind: 'service',
          modules: [],
          metadata: input.metadata ?? {},
          service: { version: input.version ?? null, tools: input.tools ?? [], capabilities: input.capabilities ?? [], dependencies: input.dependencies ?? [] },
          maxMembers: ctx.config.limits.agentsPerProject || undefined,
        }),
      );
      return { service_id: id, service: memberDetail(member, ctx.now(), ctx.config.thresholds) };
    },
  }),
  defineCommand({
    name: 'report_health',
    toolset: 'services',
    description: "Report a service's health (also counts as its heartbeat).",
    mutating: true,
    idempotent: true,
    input: z.object({ ...mutatingFields, service_id: idField.optional(), status: z.enum(['healthy', 'degraded', 'unhealthy']), detail: z.string().max(2000).optional() }),
    output: z.object({ service: memberDetailSchema }),
    async run(ctx, input, call) {
      const id = input.service_id ?? ctx.agentOf(call);
      const member = ctx.publish(await ctx.store.reportHealth(ctx.mutation(call), id, input.status, input.detail ?? null));
      return { service: memberDetail(member, ctx.now(), ctx.config.thresholds) };
    },
  }),
  defineCommand({
    name: 'list_services',
    toolset: 'services',
    description: 'Registered services with version, tools, status and health.',
    mutating: false,
    idempotent: true,
    input: z.object({ ...callerFields, ...pageInput(50) }),
    output: z.object({ services: z.array(agentRowSchema), ...pageOutput }),
    async run(ctx, input, call) {
      await ctx.requireProject(call);
      const now = ctx.now();
      const { rows, ...paging } = page(await ctx.store.listMembers(call.project, 'service'), (m) => [m.registeredAt, m.id], input.limit ?? 50, input.cursor);
      const view = input.detail ? memberDetail : serviceSummary;
      return { services: rows.map((m) => view(m, now, ctx.config.thresholds)), ...paging };
    },
  }),
];
