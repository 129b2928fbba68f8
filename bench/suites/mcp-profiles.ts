/**
 * @module Suite `mcp-profiles`: what each compatibility profile's catalog costs a
 * model (tools/list of `/mcp?profile=NAME` plus its instructions, Anthropic's
 * tokenizer), beside the original seed server's catalog rebuilt from its
 * documented tool signatures (bench/lib/seed-catalogs.ts: the tool names,
 * argument names and types, and the one-line descriptions of the seed's README,
 * as its SDK would advertise them). Counts, not throughput.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { PROFILES } from '../../src/profiles/index.js';
import { loadServerConfig } from '../../src/server/config.js';
import { startServer } from '../../src/server/main.js';
import { profileToolDefinition } from '../../src/transports/mcp/profile-server.js';
import { check } from '../lib/report.js';
import { SEED_CATALOGS } from '../lib/seed-catalogs.js';
import { catalogTokens } from '../lib/tokens.js';
import type { BenchSuite, Check } from '../lib/types.js';

/** A profile may cost at most Baton's default catalog budget (design/mcp-surface.md). */
const PROFILE_BUDGET = 2_500;
const silent = { info: () => undefined, error: () => undefined };
const fmt = (n: number): string => n.toLocaleString('en-US');

export const suite: BenchSuite = {
  name: 'mcp-profiles',
  description: "each compatibility profile's catalog tokens beside the original seed server's",
  async run(ctx) {
    const checks: Check[] = [];
    const notes: string[] = [];
    const config = loadServerConfig({ dataDir: ctx.tempDir('mcp-profiles'), port: 0, host: '127.0.0.1' });
    const server = await startServer({ ...config, tokens: [], toolsets: undefined, store: { kind: 'sqlite', url: undefined, namespace: undefined } }, silent);
    ctx.defer(() => server.close());
    for (const profile of PROFILES) {
      const endpoint = new URL('/mcp', server.url);
      endpoint.searchParams.set('profile', profile.name);
      const client = new Client({ name: 'baton-bench', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(endpoint));
      ctx.defer(() => client.close());
      const { tools } = await client.listTools();
      const ours = catalogTokens(tools, client.getInstructions());
      // What the wire serves is what the profile defines (no drift between the two).
      const defined = catalogTokens(profile.tools.map(profileToolDefinition), profile.instructions);
      if (defined.total !== ours.total) throw new Error(`profile ${profile.name}: tools/list (${ours.total} tokens) differs from its definition (${defined.total})`);
      const seed = SEED_CATALOGS[profile.name];
      const original = seed ? catalogTokens(seed.tools, seed.instructions) : undefined;
      checks.push(
        check(`profile ${profile.name} catalog`, ours.total, '<=', PROFILE_BUDGET, 'tokens', `${tools.length} tools ${fmt(ours.total - ours.instructions)} + instructions ${fmt(ours.instructions)}; original ${original ? `${fmt(original.total)} tokens (${seed?.tools.length ?? 0} tools; ${seed?.source ?? ''})` : 'none published'}`),
      );
      if (original) notes.push(`${profile.name}: ${fmt(ours.total)} tokens against the original's ${fmt(original.total)} (ratio ${(ours.total / original.total).toFixed(2)}x)`);
    }
    return { measurements: [], checks, notes };
  },
};
