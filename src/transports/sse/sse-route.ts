/**
 * @module Server-Sent Events at /api/events: the project's ordered log from a
 * cursor (Last-Event-ID header or ?after=), then live events as they commit,
 * read through project-feed.ts like every push surface, so a client that
 * reconnects with its last id misses nothing and sees nothing twice. The replay
 * waits for the reader; a live stream whose unsent bytes pass the bound (1 MiB)
 * is ended, and the client's reconnect resumes from its Last-Event-ID.
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput, type CoordinationError } from '../../core/errors.js';
import { isTopicFilter } from '../../core/events/topic-filter.js';
import type { Hub } from '../../hub/hub.js';
import { callerFromHeaders, type HttpSecurityOptions } from '../http/security.js';
import { followProject } from '../push/project-feed.js';
import { batchThisTick, drained } from '../push/write-batch.js';
import { toCoordinationError, wireError } from '../wire-errors.js';
import { sseFrame } from './sse-frames.js';

const KEEPALIVE_MS = 15_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;

export function registerSseRoute(app: FastifyInstance, hub: Hub, security: HttpSecurityOptions): void {
  app.get('/api/events', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const caller = callerFromHeaders(request.headers, security);
    const project = query['project'] ?? caller.project ?? 'default';
    const lastEventId = request.headers['last-event-id'];
    const asked = Number((Array.isArray(lastEventId) ? lastEventId[0] : lastEventId) ?? query['after'] ?? 0);
    const after = Number.isInteger(asked) && asked > 0 ? asked : 0;
    const types = query['types'] ? new Set(query['types'].split(',')) : null;
    // ?topics=cache/#,health/+ narrows custom events by topic (MQTT wildcards), as on the WebSocket.
    const topics = query['topics'] ? query['topics'].split(',') : null;
    if (topics && (topics.length > 50 || !topics.every(isTopicFilter))) throw invalidInput('topics: up to 50 comma-separated topic filters (levels split by /, + one level, # the rest as the last level).', { field: 'topics' });
    // Validates the project and the caller's access (an agent named by ?agent_id= included) through the hub before streaming.
    const agent = query['agent_id'] === undefined ? {} : { agent_id: query['agent_id'] };
    await hub.execute('get_events', { project, after, limit: 1, ...agent }, caller);

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // Send the headers now: a quiet stream would otherwise show nothing until its first event.
    res.flushHeaders();
    const errorEvent = (error: CoordinationError): string => `event: error\ndata: ${JSON.stringify(wireError(error))}\n\n`;
    const feed = followProject({
      hub, project, after, selection: { types, topics },
      deliver: (e, live) => {
        if (res.writableEnded) return true;
        if (!live) batchThisTick(res);
        const roomLeft = res.write(sseFrame(e, live));
        // A live reader that stopped reading is ended; its reconnect resumes from its Last-Event-ID.
        if (live && res.writableLength > MAX_BUFFERED_BYTES) res.end();
        return roomLeft;
      },
      drained: () => drained(res),
      failed: (error) => { res.end(errorEvent(error)); },
    });
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    // A revoked or expired token closes the streams it opened, with the reason as the last event.
    const revoked = caller.access?.revoked;
    const endRevoked = (): void => {
      feed.close();
      res.end(errorEvent(toCoordinationError(revoked?.reason)));
    };
    revoked?.addEventListener('abort', endRevoked, { once: true });
    res.on('close', () => {
      clearInterval(keepalive);
      feed.close();
      revoked?.removeEventListener('abort', endRevoked);
    });
  });
}
