/**
 * @module The MCP tool shapes derived from the hub's commands: which tools a
 * connection lists (presence and status always), lean advertised schemas that
 * hide routing fields and validation keywords, honest annotations, results as
 * structured content with their JSON as text, typed errors as tool errors, and
 * which resources a domain event changes.
 */
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../../core/errors.js';
import { event, type BatonEvent } from '../../core/events/event.js';
import { TOOLSETS } from '../../hub/command.js';
import { COMMANDS } from '../../hub/commands/index.js';
import { resourcesChangedBy, servedResource } from './resource-catalog.js';
import { selectToolsets, toolError, toolResult, toolsFor } from './tools.js';

const stored = (e: ReturnType<typeof event>): BatonEvent => ({ ...e, project: 'p', id: 1, at: 0 });

describe('MCP tools', () => {
  it('lists the default toolsets, or the asked ones, always with presence and status', () => {
    expect(selectToolsets(TOOLSETS, undefined)).toEqual(['presence', 'status', 'locks', 'files', 'tasks']);
    expect(selectToolsets(TOOLSETS, ['locks', 'tasks'])).toEqual(['presence', 'status', 'locks', 'tasks']);
    expect(selectToolsets(TOOLSETS, ['all'])).toEqual([...TOOLSETS]);
    expect(selectToolsets(['presence', 'status', 'locks'], ['all'])).toEqual(['presence', 'status', 'locks']);
    const listed = toolsFor(COMMANDS, selectToolsets(TOOLSETS, ['locks']), 50);
    expect(listed.has('register_agent') && listed.has('start_session') && listed.has('coordinator_status')).toBe(true);
    expect(listed.has('claim_task')).toBe(false);
  });

  it('advertises lean schemas: no routing fields, no validation keywords but the real wait cap, no $ref', () => {
    const tools = toolsFor(COMMANDS, TOOLSETS, 50);
    for (const { definition } of tools.values()) {
      const { wait_seconds: wait, ...others } = definition.inputSchema.properties ?? {};
      if (wait) expect(wait, definition.name).toMatchObject({ type: 'number', maximum: 50 });
      const text = JSON.stringify({ ...definition.inputSchema, properties: others });
      expect(text, definition.name).not.toMatch(/"\$ref"|"\$defs"|"\$schema"|"maxLength"|"maximum"|"pattern"|"additionalProperties"/);
      const properties = Object.keys(definition.inputSchema.properties ?? {});
      expect(properties, definition.name).not.toContain('project');
      expect(properties, definition.name).not.toContain('request_id');
      if (definition.name !== 'register_agent' && definition.name !== 'start_session') expect(properties, definition.name).not.toContain('agent_id');
    }
    const acquire = tools.get('acquire_lock')?.definition;
    expect(acquire?.inputSchema.required).toEqual(['name']);
    // The cap is the server's: a server configured for 20 s waits says 20.
    expect(toolsFor(COMMANDS, ['locks'], 20).get('acquire_lock')?.definition.inputSchema.properties?.['wait_seconds']).toMatchObject({ maximum: 20 });
    expect(tools.get('register_agent')?.definition.inputSchema.properties).toHaveProperty('agent_id');
    // Any JSON is {}; a nested object is its type and the words naming its fields; plain-type unions a type list.
    expect(tools.get('store_data')?.definition.inputSchema.properties?.['value']).toEqual({});
    expect(tools.get('heartbeat')?.definition.inputSchema.properties?.['metadata']).toEqual({ type: 'object', description: expect.stringContaining('cwd') as unknown });
    expect(tools.get('heartbeat')?.definition.inputSchema.properties?.['current_file']).toEqual({ type: ['string', 'null'] });
  });

  it('annotates reads, destructive writes and idempotent calls honestly', () => {
    const tools = toolsFor(COMMANDS, TOOLSETS, 50);
    expect(tools.get('list_locks')?.definition.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
    expect(tools.get('delete_scope')?.definition.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tools.get('acquire_lock')?.definition.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });
    for (const { definition } of tools.values()) expect(definition.outputSchema?.type, definition.name).toBe('object');
  });

  it('answers structured output with its JSON as the text block', () => {
    const result = toolResult({ acquired: true, name: 'deploy', token: 7 });
    expect(result.structuredContent).toEqual({ acquired: true, name: 'deploy', token: 7 });
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toEqual(result.structuredContent);
  });

  it('turns a CoordinationError into a tool error with the code, the message and what to do, as text only', () => {
    const result = toolError(new CoordinationError('AGENT_REQUIRED', 'This call acts for an agent and none is known.'));
    expect(result.isError).toBe(true);
    // Structured content would be checked against the tool's output schema by SDK clients, errors included.
    expect(result.structuredContent).toBeUndefined();
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'AGENT_REQUIRED', hint: expect.stringContaining('start_session') as unknown } });
  });

  it('names in a hint only the tools the connection the error answers lists', () => {
    const hintFor = (tools: ReadonlySet<string> | undefined): string => {
      const result = toolError(new CoordinationError('NOT_HOLDER', 'Held by another.').addressedTo(tools));
      return (JSON.parse(result.content[0]?.type === 'text' ? result.content[0].text : '{}') as { error: { hint: string } }).error.hint;
    };
    expect(hintFor(undefined)).toContain('list_locks');
    expect(hintFor(new Set(['list_locks', 'acquire_lock']))).toMatch(/list_locks or the task record/);
    expect(hintFor(new Set(['publish_event']))).not.toMatch(/list_locks|get_task|\[\[/);
  });

  it('maps domain events to the resources whose content they change', () => {
    const lock = { kind: 'lock' as const, resource: 'x', holder: 'a', token: 1 };
    expect(resourcesChangedBy(stored(event('lease.released', 'a', 'x', lock)))).toEqual(['baton://locks', 'baton://status']);
    expect(resourcesChangedBy(stored(event('lease.released', 'a', 'r', { ...lock, kind: 'files' })))).toEqual(['baton://status']);
    expect(resourcesChangedBy(stored(event('task.ready', null, 't', {})))).toEqual(['baton://tasks', 'baton://status']);
    expect(resourcesChangedBy(stored(event('state.stored', 'a', 's/k', { scope: 's', key: 'k', version: 1 })))).toEqual([]);
    const posted = event('message.posted', 'a', 'thr-1', { thread_id: 'thr-1', from: 'a', to: ['b', 'c@x'], importance: 'normal', ack_required: false });
    expect(resourcesChangedBy(stored(posted))).toEqual(['baton://threads/thr-1', 'baton://agents/b/inbox', 'baton://agents/c@x/inbox', 'baton://status']);
    expect(resourcesChangedBy(stored(event('thread.resolved', 'a', 'thr-1', { outcome: 'consensus', round: 1 })))).toEqual(['baton://threads/thr-1', 'baton://status']);
    expect(resourcesChangedBy(stored(event('intent.expired', null, 'int-1', { agent: 'a' })))).toEqual(['baton://status']);
  });

  it('names the resource a URI reads, a template with its id decoded as the key events use', () => {
    expect(servedResource('baton://locks')).toMatchObject({ kind: 'fixed', spec: { command: 'list_locks' } });
    expect(servedResource('baton://threads/thr-1')).toMatchObject({ kind: 'template', id: 'thr-1', canonical: 'baton://threads/thr-1', spec: { command: 'list_threads' } });
    expect(servedResource('baton://agents/c%40x/inbox')).toMatchObject({ id: 'c@x', canonical: 'baton://agents/c@x/inbox', spec: { command: 'get_inbox' } });
    expect(servedResource('baton://agents/c/x/inbox')).toBeUndefined();
    expect(servedResource('baton://threads/%E0%A4%A')).toBeUndefined();
    expect(servedResource(`baton://threads/${'x'.repeat(1000)}`)).toBeUndefined();
  });
});
