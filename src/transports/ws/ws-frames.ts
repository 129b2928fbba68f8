/**
 * @module Event frames of /api/ws (`{op: 'event', project, event}`), serialised
 * once per live event (push/frame-cache.ts).
 */
import { eventView } from '../../hub/views/records.js';
import { frameCache } from '../push/frame-cache.js';

export const eventFrame = frameCache((e) => Buffer.from(JSON.stringify({ op: 'event', project: e.project, event: eventView(e) })));
