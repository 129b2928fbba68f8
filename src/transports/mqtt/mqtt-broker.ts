/**
 * @module The embedded MQTT broker (aedes), off by default: a TCP port of its own
 * and /mqtt on the HTTP port. It carries every event of the log as mqtt-topics.ts
 * names them, for tools that speak only MQTT. A client authenticates with a Baton
 * token as its password (the username is its agent id unless the token is bound to
 * one); it may subscribe only to its token's projects (other filters are refused
 * with SUBACK 128) and publish only
 *  - `baton/<project>/publish/<topic>`: becomes a `custom` event through the hub's
 *    publish_event, subject to the token's role (PUBACK only once it is in the log);
 *  - `baton/<project>/state/agents/<its agent>`: its own status, used as its
 *    retained last will, so a dead connection marks the agent offline.
 * Anything else closes the connection (MQTT 3.1.1 has no refusal for a PUBLISH).
 * Each coordinator process runs its own broker fed by its bus (which follows the
 * shared log), so a client of any process sees every event of its projects in order.
 */
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { FastifyInstance } from 'fastify';
import { createWebSocketStream, type WebSocket } from 'ws';
import { CoordinationError } from '../../core/errors.js';
import type { Caller, Logger } from '../../hub/context.js';
import type { Hub } from '../../hub/hub.js';
import { authFailureRule } from '../../hub/auth/rate-limiter.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { agentOnline, leaseHeld, messagesFor, projectOfTopic, SYSTEM_PROJECT, type MqttCompat, type MqttMessage } from './mqtt-topics.js';

export interface MqttBrokerOptions {
  hub: Hub;
  security: HttpSecurityOptions;
  log: Logger;
  /** TCP port (0 picks a free one); undefined serves only /mqtt on the HTTP port. */
  port?: number | undefined;
  host?: string | undefined;
  compat?: readonly MqttCompat[] | undefined;
}

export interface MqttBroker {
  /** The TCP port it listens on, when it has one. */
  readonly port: number | undefined;
  /** Registers /mqtt (MQTT over WebSocket) on the HTTP app, inside the WebSocket plugin's scope. */
  wsRoute(app: FastifyInstance): void;
  close(): Promise<void>;
}

const MQTT_WS_PATH = '/mqtt';

const NOT_AUTHORIZED = 5;
const BAD_CREDENTIALS = 4;

const allows = (caller: Caller, project: string): boolean => !caller.access || caller.access.projects.includes('*') || caller.access.projects.includes(project);
const allowsAll = (caller: Caller): boolean => !caller.access || caller.access.projects.includes('*');

function authError(message: string, returnCode: number): AuthenticateError {
  const error = new Error(message) as AuthenticateError;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- aedes declares the codes as an ambient const enum, which isolatedModules cannot import as values
  error.returnCode = returnCode;
  return error;
}

/** A published payload as an event payload: JSON when it parses, else its text. */
/** The client's address: the WebSocket upgrade's socket (/mqtt), else the TCP connection's. */
function addressOf(client: Client): string {
  const conn = client.conn as { remoteAddress?: string | undefined };
  return client.req?.socket.remoteAddress ?? conn.remoteAddress ?? 'unknown';
}

function payloadValue(payload: Buffer | string): unknown {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function createMqttBroker(options: MqttBrokerOptions): Promise<MqttBroker> {
  const { hub, security, log } = options;
  const compat = options.compat ?? [];
  const callers = new WeakMap<Client, Caller>();
  const attempts = hub.context.rates;
  const authFailures = authFailureRule(hub.context.config.limits.authFailuresPerMinute);

  const broker = await Aedes.createBroker({
    // A reader that stops draining is cut after 10 s rather than stalling delivery to everyone.
    drainTimeout: 10_000,
    concurrency: 1000,
    maxTopicLevels: 32,
    authenticate(client, username, password, done) {
      const from = addressOf(client);
      try {
        if (security.tokens.required()) attempts.check(authFailures, from);
        const presented = password?.toString('utf8');
        if (security.tokens.required() && presented === undefined) throw new CoordinationError('UNAUTHORIZED', 'Send a Baton token as the MQTT password.');
        const caller = callerFromHeaders(presented === undefined ? {} : { authorization: `Bearer ${presented}` }, security);
        callers.set(client, { ...caller, agentId: caller.access?.agent ?? username ?? undefined });
        done(null, true);
      } catch (error) {
        const refused = error instanceof CoordinationError && error.code === 'UNAUTHORIZED';
        if (refused) {
          // As on HTTP: counted against the address (shared with every surface and coordinator) and audited.
          attempts.count(authFailures, from).catch((failure: unknown) => {
            log.error('counting a refused MQTT authentication failed', failure);
          });
          security.audit?.record({ action: 'auth.refused', from, result: 'UNAUTHORIZED', inputs: { route: 'MQTT CONNECT' } });
        }
        done(authError(error instanceof Error ? error.message : 'refused', refused ? BAD_CREDENTIALS : NOT_AUTHORIZED), false);
      }
    },
    authorizeSubscribe(client, subscription, done) {
      const caller = callers.get(client) ?? {};
      const topic = subscription.topic;
      const project = projectOfTopic(topic);
      const allowed = topic.startsWith('coordinator/') ? allowsAll(caller)
        : project === undefined ? false
        : project === '+' || project === '#' ? allowsAll(caller)
        : allows(caller, project) && project !== SYSTEM_PROJECT;
      // A refused filter is negated (SUBACK 128), the connection stays.
      done(null, allowed ? subscription : null);
    },
    authorizePublish(client, packet, done) {
      authorizePublish(client, packet).then(() => { done(null); }, (error: unknown) => { done(error instanceof Error ? error : new Error(String(error))); });
    },
    authorizeForward(_client, packet) {
      // What a client published on .../publish/... reaches subscribers as the custom event it became.
      return /^baton\/[^/]+\/publish\//.test(packet.topic) ? null : packet;
    },
  });

  async function authorizePublish(client: Client | null, packet: PublishPacket): Promise<void> {
    const levels = packet.topic.split('/');
    const project = levels[1] ?? '';
    // An orphaned will, published by the broker after a restart of its client table: only status topics are kept.
    const caller = client ? callers.get(client) : {};
    if (!caller) throw new Error('unauthenticated client');
    if (levels[0] !== 'baton' || !allows(caller, project) || project === SYSTEM_PROJECT) throw new Error(`publishing on '${packet.topic}' is not allowed for this token`);
    if (levels[2] === 'publish' && levels.length > 3) {
      if (!client) throw new Error('no client');
      await hub.execute('publish_event', { project, topic: levels.slice(3).join('/'), payload: payloadValue(packet.payload) }, caller);
      return;
    }
    if (levels[2] === 'state' && levels[3] === 'agents' && levels.length === 5) {
      const agent = levels[4] ?? '';
      if (caller.access?.agent !== undefined && caller.access.agent !== agent && caller.access.role !== 'admin') throw new Error(`this token acts as agent '${caller.access.agent}' only`);
      if (caller.access?.role === 'observer') throw new Error('an observer token cannot publish');
      if (client && caller.agentId !== undefined && caller.agentId !== agent && caller.access?.role !== 'admin') throw new Error(`connected as '${caller.agentId}', not '${agent}'`);
      return;
    }
    throw new Error(`publishing on '${packet.topic}' is not allowed: use baton/<project>/publish/<topic>`);
  }

  const publish = (message: MqttMessage): void => {
    broker.publish({ cmd: 'publish', topic: message.topic, payload: message.payload, qos: 1, retain: message.retain, dup: false }, (error) => {
      if (error) log.error(`mqtt broker: publishing ${message.topic} failed`, error);
    });
  };

  // Retained state for what is live now; events keep it current from here on.
  const unsubscribe = hub.context.bus.subscribe('*', (e) => {
    for (const message of messagesFor(e, compat)) publish(message);
  });
  await seedRetainedState(hub, publish);

  let tcp: Server | undefined;
  let port: number | undefined;
  if (options.port !== undefined) {
    const server = createServer((socket) => { broker.handle(socket); });
    tcp = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : options.port;
  }

  return {
    port,
    wsRoute(app) {
      app.get(MQTT_WS_PATH, { websocket: true }, (socket: WebSocket, request) => {
        const stream = createWebSocketStream(socket);
        stream.on('error', () => { socket.terminate(); });
        broker.handle(stream, request.raw);
      });
    },
    async close() {
      unsubscribe();
      if (tcp) {
        const server = tcp;
        await new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
      }
      await new Promise<void>((resolve) => { broker.close(() => { resolve(); }); });
    },
  };
}

/** Publishes the retained topics of every live agent and held lease (a new broker starts empty). */
async function seedRetainedState(hub: Hub, publish: (message: MqttMessage) => void): Promise<void> {
  const store = hub.context.store;
  const now = hub.context.now();
  for (const project of await store.listProjects()) {
    if (project === SYSTEM_PROJECT) continue;
    for (const member of await store.listMembers(project)) {
      if (member.endedAt === null) publish(agentOnline(project, member.id, { name: member.name, kind: member.kind, at: new Date(member.lastHeartbeat).toISOString() }));
    }
    for (const lease of await store.listLeases(project, now)) {
      publish(leaseHeld(project, { kind: lease.kind, resource: lease.resource, holder: lease.holder, token: lease.token, expires_at: lease.expiresAt, at: new Date(lease.acquiredAt).toISOString() }));
    }
  }
}
