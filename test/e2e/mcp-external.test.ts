/**
 * @module Clients no one here wrote, against a running server: the MCP Inspector
 * CLI (pinned 2.12.0) lists and calls tools; the MCP conformance suite (pinned
 * 0.1.13) runs its active server scenarios with a baseline of the ones that do not
 * apply to Baton (they call fixture tools, resources and prompts of the suite's own
 * reference server, or capabilities Baton does not offer) — the run fails if an
 * applicable scenario fails or a listed one starts passing (the suite's scenarios
 * are 2025 ones); and the SDK's 2.x client, probing as Claude Code's clients do,
 * negotiates the 2026-07-28 revision and sees the catalog a 2025 client sees.
 * Nothing here touches the network or the user's home directory.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/main.js';
import { childEnv, cleanupAll, tempDir } from '../support/server.js';
import { httpClient, startInProcess } from '../support/mcp.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
const INSPECTOR_CLI = join(packageDir('@modelcontextprotocol/inspector'), 'clients/cli/build/index.js');
const CONFORMANCE_CLI = join(packageDir('@modelcontextprotocol/conformance'), 'dist/index.js');

/** Scenarios Baton passes; the suite's other active scenarios are listed in NOT_APPLICABLE. */
const APPLICABLE = [
  'server-initialize',
  'ping',
  'tools-list',
  'resources-list',
  'prompts-list',
  'logging-set-level',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

/** Each calls something only the suite's reference server has (or a capability Baton does not offer). */
const NOT_APPLICABLE: Record<string, string> = {
  'completion-complete': 'Baton offers no completions capability (no prompt or template argument to complete)',
  'tools-call-simple-text': 'calls the fixture tool test_simple_text',
  'tools-call-image': 'calls a fixture tool that returns an image',
  'tools-call-audio': 'calls a fixture tool that returns audio',
  'tools-call-embedded-resource': 'calls a fixture tool that returns an embedded resource',
  'tools-call-mixed-content': 'calls a fixture tool with mixed content',
  'tools-call-with-logging': 'calls a fixture tool that logs (Baton logging is covered in mcp-http.test.ts)',
  'tools-call-error': 'calls a fixture tool that fails (Baton tool errors are covered in mcp-http.test.ts)',
  'tools-call-with-progress': 'calls a fixture tool with progress (Baton progress is covered in mcp-http.test.ts)',
  'tools-call-sampling': 'needs a tool that asks the client to sample; Baton never does',
  'tools-call-elicitation': 'needs a tool that elicits input; Baton never does',
  'elicitation-sep1034-defaults': 'needs a tool that elicits input; Baton never does',
  'elicitation-sep1330-enums': 'needs a tool that elicits input; Baton never does',
  'resources-read-text': 'reads the fixture resource test://static-text',
  'resources-read-binary': 'reads the fixture resource test://static-binary',
  'resources-templates-read': "reads the fixture template URI test://template/123/data; Baton's own templates (baton://threads/{thread_id}, baton://agents/{agent_id}/inbox) are read in mcp-consult.test.ts",
  'resources-subscribe': 'subscribes to the fixture resource test://watched-resource; Baton refuses URIs it does not serve (see test/regression/mcp-subscribe-only-served-resources.test.ts)',
  'resources-unsubscribe': 'subscribes to the fixture resource test://watched-resource first (Baton subscriptions are covered in mcp-http.test.ts)',
  'prompts-get-simple': 'gets the fixture prompt test_simple_prompt',
  'prompts-get-with-args': 'gets the fixture prompt test_prompt_with_arguments',
  'prompts-get-embedded-resource': 'gets a fixture prompt with an embedded resource',
  'prompts-get-with-image': 'gets a fixture prompt with an image',
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: childEnv(env), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let server: RunningServer;
let home: string;
beforeAll(async () => {
  server = await startInProcess();
  home = tempDir();
});
afterAll(async () => {
  await server.close();
  await cleanupAll();
});

describe('external MCP clients', () => {
  it('the MCP Inspector CLI lists the tools and calls one', async () => {
    const env = { HOME: home, MCP_CATALOG_PATH: join(home, 'catalog.json') };
    const listed = await run(INSPECTOR_CLI, [`${server.url}/mcp`, '--method', 'tools/list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const names = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toContain('acquire_lock');

    const args = ['--method', 'tools/call', '--tool-name', 'register_agent', '--tool-arg', 'name=inspector', '--header', 'X-Baton-Agent: inspector-1'];
    const called = await run(INSPECTOR_CLI, [`${server.url}/mcp`, ...args], env);
    expect(called.code, called.stderr).toBe(0);
    expect(JSON.parse(called.stdout)).toMatchObject({ structuredContent: { agent_id: 'inspector-1', status: 'active' } });
  });

  it('the MCP conformance suite passes every server scenario that applies to Baton', async () => {
    const baseline = join(home, 'expected-failures.yaml');
    writeFileSync(baseline, `server:\n${Object.keys(NOT_APPLICABLE).map((s) => `  - ${s}`).join('\n')}\n`);
    const result = await run(CONFORMANCE_CLI, ['server', '--url', `${server.url}/mcp`, '--expected-failures', baseline], { HOME: home });
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    for (const scenario of APPLICABLE) expect(output, scenario).toMatch(new RegExp(`✓ ${scenario}: \\d+ passed, 0 failed`));
  });

  it('a client that probes for the 2026-07-28 revision negotiates it, without a session, and sees the 2025 catalog', async () => {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'modern', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`));
    await client.connect(transport);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect(client.getProtocolEra()).toBe('modern');
    expect(transport.sessionId).toBeUndefined();
    const legacy = await httpClient(server.url);
    const [modernTools, legacyTools] = await Promise.all([client.listTools(), legacy.listTools()]);
    expect(modernTools.tools.map((t) => t.name)).toEqual(legacyTools.tools.map((t) => t.name));
    expect(modernTools.tools.map((t) => t.name)).toContain('start_session');
    await Promise.all([client.close(), legacy.close()]);
  });
});
