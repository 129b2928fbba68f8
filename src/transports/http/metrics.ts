/**
 * @module Prometheus text-format metrics at /metrics: HTTP requests by route and
 * status with a latency histogram, and committed events by type (from the bus).
 * With tokens configured they need an observer or admin token: they span every project.
 */
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../../bus/event-bus.js';
import { requireObserver, type HttpSecurityOptions } from './security.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30, 60];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function registerMetrics(app: FastifyInstance, bus: EventBus, security: HttpSecurityOptions): void {
  const requests = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  const events = new Map<string, number>();
  bus.subscribe('*', (e) => events.set(e.type, (events.get(e.type) ?? 0) + 1));

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `method="${request.method}",route="${escape(route)}",status="${reply.statusCode}"`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const seconds = reply.elapsedTime / 1000;
    const hkey = `route="${escape(route)}"`;
    const h = latency.get(hkey) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    latency.set(hkey, h);
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) h.counts[i] = (h.counts[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count++;
    done();
  });

  app.get('/metrics', (request, reply) => {
    requireObserver(request.headers, security);
    const lines: string[] = [
      '# HELP baton_http_requests_total HTTP requests by route and status.',
      '# TYPE baton_http_requests_total counter',
      ...[...requests].map(([labels, n]) => `baton_http_requests_total{${labels}} ${n}`),
      '# HELP baton_http_request_duration_seconds HTTP request latency.',
      '# TYPE baton_http_request_duration_seconds histogram',
    ];
    for (const [labels, h] of latency) {
      BUCKETS.forEach((bound, i) => lines.push(`baton_http_request_duration_seconds_bucket{${labels},le="${bound}"} ${h.counts[i] ?? 0}`));
      lines.push(`baton_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`baton_http_request_duration_seconds_sum{${labels}} ${h.sum}`, `baton_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    lines.push('# HELP baton_events_total Committed events by type.', '# TYPE baton_events_total counter');
    for (const [type, n] of events) lines.push(`baton_events_total{type="${escape(type)}"} ${n}`);
    void reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
