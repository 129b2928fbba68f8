/**
 * @module The original seed servers' catalogs, rebuilt from what their documents
 * publish (/work/shared/seeds): each tool's name, argument names and types and
 * the one-line description of its README, in the shape its SDK advertises —
 * FastMCP (Python) for seeds 000 and 002 (a title per property, the defaults, an
 * `…Arguments` title), the TypeScript SDK with zod for seed 001 ($schema,
 * additionalProperties). The originals' own descriptions are their docstrings,
 * which are longer than a README line (seed 002's run to paragraphs), so these
 * figures are a lower bound of what the originals cost. Seed 003 is a proposal
 * with no server: it has no catalog to compare.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

type Kind = 'string' | 'integer' | 'number' | 'object' | 'array' | 'any';
interface Arg {
  name: string;
  kind: Kind;
  optional?: boolean;
  default?: unknown;
}

const title = (name: string): string => name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/** A tool as Python FastMCP advertises it. */
function fastmcp(name: string, description: string, args: Arg[]): Tool {
  const properties = Object.fromEntries(
    args.map((a) => [a.name, { ...(a.kind === 'any' ? {} : { type: a.kind }), title: title(a.name), ...(a.default === undefined ? {} : { default: a.default }) }]),
  );
  const required = args.filter((a) => !a.optional && a.default === undefined).map((a) => a.name);
  return { name, description, inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), title: `${name}Arguments` } };
}

/** A tool as the TypeScript SDK advertises a zod shape. */
function tsSdk(name: string, description: string, args: Arg[]): Tool {
  const properties = Object.fromEntries(args.map((a) => [a.name, a.kind === 'array' ? { type: 'array', items: { type: 'string' } } : { type: a.kind }]));
  const required = args.filter((a) => !a.optional).map((a) => a.name);
  return { name, description, inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' } };
}

export interface SeedCatalog {
  source: string;
  tools: Tool[];
  instructions?: string;
}

export const SEED_CATALOGS: Readonly<Record<string, SeedCatalog>> = {
  'power-pack': {
    source: "seed 000's README tools, FastMCP shape",
    tools: [
      fastmcp('acquire_lock', 'Acquire distributed lock', [{ name: 'lock_name', kind: 'string' }, { name: 'timeout', kind: 'integer', default: 300 }]),
      fastmcp('release_lock', 'Release held lock', [{ name: 'lock_name', kind: 'string' }]),
      fastmcp('check_lock', 'Check lock availability', [{ name: 'lock_name', kind: 'string' }]),
      fastmcp('list_locks', 'List locks matching pattern', [{ name: 'pattern', kind: 'string', default: '*' }]),
      fastmcp('register_session', 'Register session for tracking', [{ name: 'metadata', kind: 'object', default: null }]),
      fastmcp('heartbeat', 'Update session heartbeat', []),
      fastmcp('session_status', 'Show all sessions and states', []),
      fastmcp('health_check', 'Check Redis connection', []),
    ],
  },
  'task-coordinator': {
    source: "seed 001's README tools, TypeScript SDK shape",
    tools: [
      tsSdk('claim_worker_slot', 'Claim an available worker slot', []),
      tsSdk('release_worker_slot', 'Release a worker slot when done', [{ name: 'slot', kind: 'number' }]),
      tsSdk('get_workers', 'View all worker slots and their status', []),
      tsSdk('add_task', 'Add a new task', [{ name: 'id', kind: 'string' }, { name: 'description', kind: 'string' }, { name: 'dependencies', kind: 'array', optional: true }, { name: 'output', kind: 'string', optional: true }]),
      tsSdk('get_available_tasks', 'Get tasks ready to work on', []),
      tsSdk('get_all_tasks', 'View all tasks and their status', []),
      tsSdk('claim_task', 'Claim a task', [{ name: 'taskId', kind: 'string' }, { name: 'workerId', kind: 'string' }, { name: 'workerSlot', kind: 'number' }]),
      tsSdk('update_task', 'Update task status', [{ name: 'taskId', kind: 'string' }, { name: 'status', kind: 'string' }, { name: 'workerId', kind: 'string' }, { name: 'output', kind: 'string', optional: true }, { name: 'error', kind: 'string', optional: true }]),
      tsSdk('reset_failed_task', 'Reset a failed task to available', [{ name: 'taskId', kind: 'string' }]),
    ],
  },
  'session-coordinator': {
    source: "seed 002's README tools and signatures, FastMCP shape (its docstrings are far longer)",
    tools: [
      fastmcp('sign_on', 'Claim an instance and establish session identity', [{ name: 'session_id', kind: 'string', default: null }]),
      fastmcp('store_data', 'Store data in scoped contexts', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }, { name: 'value', kind: 'any' }]),
      fastmcp('retrieve_data', 'Retrieve stored data', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }]),
      fastmcp('list_keys', 'Discover available keys in a scope', [{ name: 'scope', kind: 'string' }]),
      fastmcp('list_scopes', 'List all scopes with optional filtering', [{ name: 'pattern', kind: 'string', default: null }]),
      fastmcp('delete_data', 'Remove specific data', [{ name: 'scope', kind: 'string' }, { name: 'key', kind: 'string' }]),
      fastmcp('delete_scope', 'Remove entire scope', [{ name: 'scope', kind: 'string' }]),
      fastmcp('sign_off', 'Release session instance', []),
    ],
  },
};
