import { describe, expect, it } from 'vitest';
import { leaseId, leaseKindOf, type LeaseKind } from './lease.js';

describe('leaseKindOf', () => {
  it('reads back the kind of every lease id leaseId makes', () => {
    const requests: { kind: LeaseKind; resource: string; holder: string }[] = [
      { kind: 'lock', resource: 'wave:5c.1', holder: 'alice' },
      { kind: 'slot', resource: 'workers', holder: 'bob' },
      { kind: 'files', resource: 'res_k3v9', holder: 'carol' },
      { kind: 'files', resource: 'lock-slot', holder: 'dave' },
    ];
    for (const request of requests) expect(leaseKindOf(leaseId(request)), leaseId(request)).toBe(request.kind);
  });
});
