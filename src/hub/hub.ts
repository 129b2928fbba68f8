/**
 * @module The hub: the one use-case API every edge calls. It validates a command's
 * input against its schema, resolves project and agent, runs the command, and
 * turns any unexpected failure into INTERNAL (with the cause logged). It also owns
 * the background sweep.
 */
import { randomBytes } from 'node:crypto';
import { CoordinationError, invalidInput, isCoordinationError } from '../core/errors.js';
import { resolveAlias } from './aliases.js';
import { digestOf, parseInput } from './input.js';
import type { IdSource } from '../core/ports.js';
import type { Store } from '../store/store.js';
import type { Command, CommandOutput } from './command.js';
import { COMMANDS } from './commands/index.js';
import { DEFAULT_HUB_CONFIG, type HubConfig } from './config.js';
import { createHubContext, type Call, type Caller, type HubContext, type Logger } from './context.js';
import { createMemoryEventBus, type EventBus } from '../bus/event-bus.js';
import { createSweeper } from './sweeper.js';
import { keyInputs, type AuditFacts } from './auth/audit-log.js';
import { createCallerLimits } from './auth/caller-limits.js';
import { createRateLimiter } from './auth/rate-limiter.js';

const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AGENT_ID = /^[A-Za-z0-9_\-.:@]{1,128}$/;

export interface Hub {
  readonly commands: readonly Command[];
  readonly context: HubContext;
  /** Validates and runs one command. Throws CoordinationError only. */
  execute(name: string, input: unknown, caller?: Caller): Promise<CommandOutput>;
  /** Starts the periodic sweep (expiry, abandonment, retention). */
  startSweeper(): void;
  /** Runs one sweep now (if this process leads the sweep); resolves whether it swept. */
  sweepOnce(): Promise<boolean>;
  close(): Promise<void>;
}

export interface HubOptions {
  store: Store;
  config?: Partial<HubConfig>;
  bus?: EventBus;
  ids?: IdSource;
  log?: Logger;
  /** Where mutating calls are recorded (team mode); none by default. */
  audit?: AuditSink;
}

/** Receives one record per mutating call, refused ones included. */
export interface AuditSink {
  enabled(): boolean;
  record(facts: AuditFacts): void;
}

const randomIds: IdSource = { next: (prefix) => `${prefix}-${randomBytes(6).toString('base64url')}` };
const silentLog: Logger = { error: () => undefined, info: () => undefined };

function authorize(command: Command, project: string, caller: Caller): void {
  const access = caller.access;
  if (!access) return;
  if (!access.projects.includes('*') && !access.projects.includes(project)) {
    throw new CoordinationError('FORBIDDEN', `This token is not scoped to project '${project}'.`, { project });
  }
  if (access.role === 'observer' && command.mutating) {
    throw new CoordinationError('FORBIDDEN', `An observer token cannot call '${command.name}'.`, { command: command.name });
  }
}

const projectNamedBy = (raw: unknown): string | undefined => {
  const project = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['project'] : undefined;
  return typeof project === 'string' ? project : undefined;
};

/** A token bound to an agent acts only as that agent; an admin token may act for others. */
function authorizeAgent(agentId: string | undefined, caller: Caller): void {
  const bound = caller.access?.agent;
  if (bound === undefined || agentId === bound || caller.access?.role === 'admin') return;
  const as = agentId === undefined ? 'without an agent' : `as '${agentId}'`;
  throw new CoordinationError('FORBIDDEN', `This token acts as agent '${bound}' only, not ${as}.`, { agent_id: agentId ?? null, bound_agent: bound });
}

export function createHub(options: HubOptions): Hub {
  const config: HubConfig = { ...DEFAULT_HUB_CONFIG, ...options.config };
  const log = options.log ?? silentLog;
  const rates = createRateLimiter(options.store.limits, options.store.clock);
  const ctx = createHubContext({ store: options.store, bus: options.bus ?? createMemoryEventBus(), config, ids: options.ids ?? randomIds, log, rates });
  const byName = new Map(COMMANDS.map((c) => [c.name, c]));
  const sweeper = createSweeper(ctx, (options.ids ?? randomIds).next('node'));
  const limits = createCallerLimits(rates, options.store.limits, options.store.clock, config.limits, config.maxWaitMs, log);

  function resolveCall(command: Command, input: Record<string, unknown>, caller: Caller): Call {
    const project = typeof input['project'] === 'string' ? input['project'] : (caller.project ?? 'default');
    if (!PROJECT_ID.test(project)) {
      throw invalidInput(`Project '${project.slice(0, 80)}' is not valid: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.`, { field: 'project' });
    }
    const agentId = typeof input['agent_id'] === 'string' ? input['agent_id'] : caller.agentId;
    if (agentId !== undefined && !AGENT_ID.test(agentId)) {
      throw invalidInput('agent_id is not valid: 1 to 128 letters, digits and _ - . : @.', { field: 'agent_id' });
    }
    const requestId = typeof input['request_id'] === 'string' ? input['request_id'] : undefined;
    const digest = requestId === undefined ? undefined : digestOf(command.name, input);
    return { project, agentId, requestId, digest, projectNamed: typeof input['project'] === 'string', signal: caller.signal, onProgress: caller.onProgress, tools: caller.tools };
  }

  async function run(command: Command, rawInput: unknown, caller: Caller): Promise<CommandOutput> {
    // Role and scope first: a caller without them learns nothing from validation of the rest.
    authorize(command, projectNamedBy(rawInput) ?? caller.project ?? 'default', caller);
    const input = parseInput(command, rawInput);
    const call = resolveCall(command, input, caller);
    authorize(command, call.project, caller);
    authorizeAgent(call.agentId, caller);
    const who = { access: caller.access, project: call.project, agentId: call.agentId };
    await limits.admit(who);
    const waits = command.blocking === true && typeof input['wait_seconds'] === 'number' && input['wait_seconds'] > 0;
    const release = waits ? await limits.holdWait(who) : undefined;
    try {
      return await command.run(ctx, input, call);
    } catch (error) {
      // Each unexpected failure is logged here, once, with its cause; transports only answer it.
      if (isCoordinationError(error)) {
        if (error.code === 'INTERNAL') log.error(`command ${command.name} failed`, error.cause ?? error);
        throw error;
      }
      log.error(`command ${command.name} failed`, error);
      throw new CoordinationError('INTERNAL', `'${command.name}' failed unexpectedly.`, undefined, { cause: error });
    } finally {
      await release?.();
    }
  }

  async function executeCommand(called: string, givenInput: unknown, caller: Caller): Promise<CommandOutput> {
    const alias = byName.has(called) ? undefined : resolveAlias(called, givenInput);
    const name = alias?.command ?? called;
    const rawInput = alias ? alias.input : givenInput;
    const command = byName.get(name);
    if (!command) throw new CoordinationError('NOT_FOUND', `No command '${name}'.`, { command: name });
    const audit = options.audit;
    if (!command.mutating || !audit?.enabled()) return run(command, rawInput, caller);
    const facts = {
      action: name,
      project: projectNamedBy(rawInput) ?? caller.project ?? 'default',
      token: caller.access?.tokenName,
      agent: caller.agentId,
      from: caller.from,
      inputs: typeof rawInput === 'object' && rawInput !== null ? keyInputs(rawInput as Record<string, unknown>) : undefined,
    };
    try {
      const output = await run(command, rawInput, caller);
      audit.record({ ...facts, result: 'ok' });
      return output;
    } catch (error) {
      audit.record({ ...facts, result: isCoordinationError(error) ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  const hub: Hub = {
    commands: COMMANDS,
    context: ctx,
    async execute(called, givenInput, caller = {}) {
      try {
        return await executeCommand(called, givenInput, caller);
      } catch (error) {
        // The one place an error learns whom it answers: its hint names only tools that caller's connection lists.
        throw isCoordinationError(error) ? error.addressedTo(caller.tools) : error;
      }
    },
    startSweeper: () => {
      sweeper.start();
    },
    sweepOnce: () => sweeper.runOnce(),
    close: () => sweeper.stop(),
  };
  return hub;
}
