import { describe, expect, it } from 'vitest';
import { GIT_GUARD_CHAINED, GIT_GUARD_MARKER, HOOK_CLIENTS, HOOK_EVENTS, gitGuardScript, hookEntries } from './hook-entries.js';

describe('hookEntries', () => {
  it('describes a JSON hook file per client whose every group is recognised as ours', () => {
    for (const client of HOOK_CLIENTS) {
      const entries = hookEntries(client);
      expect(entries.format).toBe('json');
      expect(entries.groups.length).toBeGreaterThan(2);
      for (const { group } of entries.groups) expect(entries.isOurs(group)).toBe(true);
      expect(entries.isOurs({ type: 'command', command: 'prettier --write' })).toBe(false);
      for (const { group } of entries.groups) expect(JSON.stringify(group)).toMatch(new RegExp(HOOK_EVENTS.join('|')));
      expect(Object.keys(entries.merge['hooks'] as object)).toEqual([...new Set(entries.groups.map((g) => g.event))]);
    }
  });

  it('uses HTTP hooks for Claude Code tool calls, and the shim with --strict when asked to fail closed', () => {
    const open = hookEntries('claude-code', { serverUrl: 'http://127.0.0.1:4000/' });
    const pre = open.groups.find((g) => g.event === 'PreToolUse')!.group as { matcher: string; hooks: { type: string; url?: string }[] };
    expect(pre.matcher).toContain('NotebookEdit');
    expect(pre.hooks[0]).toMatchObject({ type: 'http', url: 'http://127.0.0.1:4000/hooks/claude-code/pre-tool' });
    const strict = hookEntries('claude-code', { strict: true, shim: '/opt/bin/baton-hook' });
    const strictPre = strict.groups.find((g) => g.event === 'PreToolUse')!.group as { hooks: { command?: string }[] };
    expect(strictPre.hooks[0]!.command).toBe('/opt/bin/baton-hook claude-code pre-tool --strict');
    expect(hookEntries('cursor', { strict: true }).merge).toMatchObject({ version: 1, hooks: { preToolUse: [{ failClosed: true }] } });
  });

  it('writes a guard script that chains the previous hook and can be bypassed', () => {
    const script = gitGuardScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(GIT_GUARD_MARKER);
    expect(script).toContain(GIT_GUARD_CHAINED);
    expect(script).toContain('BATON_GUARD_BYPASS');
    expect(script).toContain('baton-hook git pre-commit');
  });
});
