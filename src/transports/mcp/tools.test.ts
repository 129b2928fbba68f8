/**
 * @module The MCP tool shapes derived from the hub's commands: one tool per
 * command of the enabled toolsets, results a model can read as text, typed errors
 * as tool errors, and which resources a domain event changes.
 */
import { describe, expect, it } from 'vitest';
import { CoordinationError } from '../../core/errors.js';
import { event, type BatonEvent } from '../../core/events/event.js';
import { COMMANDS } from '../../hub/commands/index.js';
import { resourcesChangedBy } from './resource-catalog.js';
import { toolError, toolResult, toolsFor } from './tools.js';

const stored = (e: ReturnType<typeof event>): BatonEvent => ({ ...e, project: 'p', id: 1, at: 0 });

describe('MCP tools', () => {
  it('derives one tool per command of the enabled toolsets, with its schema and no $schema key', () => {
    expect([...toolsFor(COMMANDS, undefined).keys()]).toEqual(COMMANDS.map((c) => c.name));
    const locks = toolsFor(COMMANDS, ['locks']);
    expect([...locks.keys()]).toEqual(COMMANDS.filter((c) => c.toolset === 'locks').map((c) => c.name));
    const acquire = locks.get('acquire_lock')?.definition;
    expect(acquire?.inputSchema).not.toHaveProperty('$schema');
    expect(acquire?.inputSchema.required).toEqual(['name']);
    expect(acquire?.annotations).toEqual({ readOnlyHint: false, openWorldHint: false, destructiveHint: false });
  });

  it('answers structured output with a text block that leads with the gist', () => {
    const result = toolResult('acquire_lock', { acquired: true, name: 'deploy', token: 7, holders: [] });
    expect(result.structuredContent).toEqual({ acquired: true, name: 'deploy', token: 7, holders: [] });
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(text.split('\n')[0]).toBe('acquire_lock: acquired=true, name=deploy, token=7, 0 holders.');
    expect(JSON.parse(text.split('\n')[1] ?? '')).toEqual(result.structuredContent);
    const waited = toolResult('wait_for_events', { events: [], timed_out: true });
    expect(waited.content[0]).toMatchObject({ text: expect.stringContaining('call again') as unknown });
  });

  it('turns a CoordinationError into a tool error with the code, the message and what to do', () => {
    const result = toolError(new CoordinationError('AGENT_REQUIRED', 'This call acts for an agent and none is known.'));
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ error: { code: 'AGENT_REQUIRED', hint: expect.stringContaining('register_agent') as unknown } });
    expect(result.content[0]).toMatchObject({ text: expect.stringMatching(/^AGENT_REQUIRED: .*register_agent/) as unknown });
  });

  it('maps domain events to the resources whose content they change', () => {
    const lock = { kind: 'lock' as const, resource: 'x', holder: 'a', token: 1 };
    expect(resourcesChangedBy(stored(event('lease.released', 'a', 'x', lock)))).toEqual(['baton://locks', 'baton://status']);
    expect(resourcesChangedBy(stored(event('lease.released', 'a', 'r', { ...lock, kind: 'files' })))).toEqual(['baton://status']);
    expect(resourcesChangedBy(stored(event('task.ready', null, 't', {})))).toEqual(['baton://tasks', 'baton://status']);
    expect(resourcesChangedBy(stored(event('state.stored', 'a', 's/k', { scope: 's', key: 'k', version: 1 })))).toEqual([]);
  });
});
