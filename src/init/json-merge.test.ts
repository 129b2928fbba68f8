import { describe, expect, it } from 'vitest';
import { InitError } from './init-error.js';
import { mergeJson, unmergeJson, type JsonWrite } from './json-merge.js';

const baton: JsonWrite = { op: 'set', path: ['mcpServers', 'baton'], value: { command: 'npx', args: ['-y', 'baton-mcp', 'mcp'] } };
const hook: JsonWrite = { op: 'append', path: ['hooks', 'PreToolUse'], value: { matcher: 'Edit', hooks: [{ type: 'http', url: 'http://x/hooks' }] } };

describe('mergeJson', () => {
  it('adds an entry without touching a byte of the neighbours, in the file\'s own indentation', () => {
    const before = '{\n    "mcpServers": {\n        "other": { "command": "x" }\n    },\n    "z": 1\n}\n';
    const { text } = mergeJson(before, [baton], '.mcp.json');
    expect(text.startsWith('{\n    "mcpServers": {\n        "other": { "command": "x" },\n        "baton": {\n            "command": "npx",')).toBe(true);
    expect(text.endsWith('    },\n    "z": 1\n}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ mcpServers: { other: { command: 'x' }, baton: baton.value }, z: 1 });
  });

  it('keeps tabs, CRLF line endings and comments', () => {
    const before = '{\r\n\t// mine\r\n\t"a": 1\r\n}\r\n';
    const { text } = mergeJson(before, [baton], 'settings.json');
    expect(text).toContain('\t// mine\r\n\t"a": 1,\r\n\t"mcpServers": {\r\n\t\t"baton": {\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('appends a hook group to an existing event array and leaves the groups there alone', () => {
    const before = '{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": []}]}}';
    const { text, changes } = mergeJson(before, [hook], 'settings.json');
    expect(text.startsWith('{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": []}, {')).toBe(true);
    expect(changes).toEqual([{ op: 'append', path: ['hooks', 'PreToolUse'], value: hook.value, created: 0 }]);
  });

  it('changes nothing when the entries are there already', () => {
    const once = mergeJson(undefined, [baton, hook], 'f.json');
    const twice = mergeJson(once.text, [baton, hook], 'f.json');
    expect(twice.text).toBe(once.text);
    expect(twice.changes).toEqual([]);
  });

  it('sets a default only when the key is absent', () => {
    const write: JsonWrite = { op: 'default', path: ['version'], value: 1 };
    expect(JSON.parse(mergeJson('{"version": 2}', [write], 'hooks.json').text)).toEqual({ version: 2 });
    expect(JSON.parse(mergeJson('{}', [write], 'hooks.json').text)).toEqual({ version: 1 });
  });

  it('refuses a file that is not JSON, or whose container has another type, naming the file', () => {
    expect(() => mergeJson('{"mcpServers": ', [baton], '.mcp.json')).toThrow(InitError);
    expect(() => mergeJson('[1, 2]', [baton], '.mcp.json')).toThrow(/does not hold a JSON object/);
    expect(() => mergeJson('{"mcpServers": []}', [baton], '.mcp.json')).toThrow(/"mcpServers" is not an object/);
    expect(() => mergeJson('{"hooks": {"PreToolUse": {}}}', [hook], 's.json')).toThrow(/"hooks.PreToolUse" is not an array/);
  });
});

describe('unmergeJson', () => {
  it('takes out only Baton\'s entries from a file edited since, restoring a value it replaced', () => {
    const before = '{\n  "mcpServers": {\n    "baton": { "command": "old" }\n  }\n}\n';
    const merged = mergeJson(before, [baton, hook], 'f.json');
    const edited = merged.text.replace('"mcpServers": {', '"mcpServers": {\n    "theirs": { "command": "y" },');
    const out = JSON.parse(unmergeJson(edited, merged.changes, 'f.json')) as unknown;
    expect(out).toEqual({ mcpServers: { theirs: { command: 'y' }, baton: { command: 'old' } } });
  });

  it('removes the parents it created once they are empty, and keeps those someone filled', () => {
    const merged = mergeJson('{\n  "a": 1\n}\n', [hook], 'f.json');
    expect(unmergeJson(merged.text, merged.changes, 'f.json')).toBe('{\n  "a": 1\n}\n');
    const filled = merged.text.replace('"PreToolUse": [', '"Stop": [],\n    "PreToolUse": [');
    expect(filled).not.toBe(merged.text);
    expect(JSON.parse(unmergeJson(filled, merged.changes, 'f.json'))).toEqual({ a: 1, hooks: { Stop: [] } });
  });
});
