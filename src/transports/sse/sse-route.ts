/**
 * @module Server-Sent Events at /api/events: the project's ordered log from a
 * cursor (Last-Event-ID header or ?after=), then live events as they commit.
 * Subscribes before reading the backlog and skips ids already sent, so a client
 * that reconnects with its last id misses nothing and sees nothing twice.
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../core/errors.js';
import type { BatonEvent } from '../../core/events/event.js';
import { isTopicFilter, topicMatches } from '../../core/events/topic-filter.js';
import type { Hub } from '../../hub/hub.js';
import { eventView } from '../../hub/views/records.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { toCoordinationError, wireError } from '../wire-errors.js';

const KEEPALIVE_MS = 15_000;

export function registerSseRoute(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  app.get('/api/events', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const caller = callerFromHeaders(request.headers, security);
    const project = query['project'] ?? caller.project ?? 'default';
    const lastEventId = request.headers['last-event-id'];
    let cursor = Number((Array.isArray(lastEventId) ? lastEventId[0] : lastEventId) ?? query['after'] ?? 0);
    if (!Number.isInteger(cursor) || cursor < 0) cursor = 0;
    const types = query['types'] ? new Set(query['types'].split(',')) : null;
    // ?topics=cache/#,health/+ narrows custom events by topic (MQTT wildcards), as on the WebSocket.
    const topics = query['topics'] ? query['topics'].split(',') : null;
    if (topics && (topics.length > 50 || !topics.every(isTopicFilter))) throw invalidInput('topics: up to 50 comma-separated topic filters (levels split by /, + one level, # the rest as the last level).', { field: 'topics' });
    // Validates the project and the caller's access (an agent named by ?agent_id= included) through the hub before streaming.
    const agent = query['agent_id'] === undefined ? {} : { agent_id: query['agent_id'] };
    await hub.execute('get_events', { project, after: cursor, limit: 1, ...agent }, caller);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // Send the headers now: a quiet stream would otherwise show nothing until its first event.
    res.flushHeaders();
    const send = (e: BatonEvent): void => {
      if (e.id <= cursor) return;
      cursor = e.id;
      if (types && !types.has(e.type)) return;
      if (topics && e.type === 'custom' && !topics.some((filter) => topicMatches(filter, e.data.topic))) return;
      res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...eventView(e), project: e.project })}\n\n`);
    };
    const pending: BatonEvent[] = [];
    let live = false;
    const unsubscribe = hub.context.bus.subscribe(project, (e) => {
      if (live) send(e);
      else pending.push(e);
    });
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    // A revoked or expired token closes the streams it opened, with the reason as the last event.
    const revoked = caller.access?.revoked;
    const endRevoked = (): void => {
      res.end(`event: error\ndata: ${JSON.stringify(wireError(toCoordinationError(revoked?.reason)))}\n\n`);
    };
    revoked?.addEventListener('abort', endRevoked, { once: true });
    res.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      revoked?.removeEventListener('abort', endRevoked);
    });
    try {
      for (;;) {
        const page = await hub.context.store.readEvents({ project, after: cursor, limit: 1000 });
        page.events.forEach(send);
        if (page.events.length < 1000) break;
      }
      pending.forEach(send);
      live = true;
    } catch (error) {
      res.write(`event: error\ndata: ${JSON.stringify(wireError(toCoordinationError(error)))}\n\n`);
      res.end();
    }
  });
}
