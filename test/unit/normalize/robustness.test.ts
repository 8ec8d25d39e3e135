import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { validateOcsf } from '../../../shared/ocsf/validate';
import { FIXTURES, fixtureText } from './helpers';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every fixture record of the built-in sources. */
const records: Record<string, unknown>[] = [];
for (const dir of readdirSync(FIXTURES)) {
  if (dir === 'declarative') continue;
  for (const f of readdirSync(join(FIXTURES, dir))) records.push(...unwrapText(fixtureText(dir, f)).records);
  // EventBridge envelopes stay whole; their detail is mutated through the same paths.
}

/** All paths to values inside a record (objects and arrays), up to a depth. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 5 || v === null || typeof v !== 'object') return out;
  for (const [k, child] of Object.entries(v as object)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p);
    paths(child, p, out, depth + 1);
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) delete cur[last];
  else cur[last] = value;
  return copy;
}

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constant(''),
  fc.constant('-'),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({}),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

describe('robustness: mutated vendor records', () => {
  test('a wrong type or a missing field anywhere gives valid OCSF or a NormalizeError reason, never a crash', () => {
    fc.assert(
      fc.property(fc.nat(records.length - 1), fc.nat(), oddValue, fc.boolean(), (ri, pi, value, remove) => {
        const rec = records[ri];
        const ps = paths(rec);
        const path = ps[pi % ps.length];
        const mutated = setAt(rec, path, value, remove);
        const r = normalizeRecord(mutated);
        if (r.ok) {
          for (const e of r.events) {
            expect(validateOcsf(e.ocsf)).toEqual([]);
            expect(Number.isFinite(e.time)).toBe(true);
            expect(typeof e.uid).toBe('string');
            JSON.stringify(e);
          }
        } else {
          // A mapper that threw something other than NormalizeError is a bug to fix, not bad input.
          expect({ source: r.source, path: path.join('.'), reason: r.reason }).not.toMatchObject({ reason: expect.stringMatching(/^mapper failed/) });
        }
      }),
      { numRuns: 3000, seed: 4242 },
    );
  });

  test('regressions found by the property above', () => {
    const execve = records.find((r) => r.type === 'EXECVE')!;
    // argc is attacker-controlled: a huge value must not loop for ever.
    expect(normalizeRecord({ ...execve, argc: '100000000000000000000' })).toMatchObject({ ok: true });
    const ct = records.find((r) => r.eventName === 'RunInstances')!;
    expect(normalizeRecord({ ...ct, eventName: '' })).toMatchObject({ ok: false, reason: 'eventName: missing required field (empty string)' });
    const okta = records.find((r) => r.eventType === 'group.user_membership.add')!;
    // eslint-disable-next-line no-sparse-arrays
    expect(normalizeRecord({ ...okta, target: [, { id: 'g', type: 'UserGroup' }] })).toMatchObject({ ok: false, reason: 'target[0]: expected an object' });
    const flow = records.find((r) => r['log-status'] === 'NODATA')!;
    expect(normalizeRecord({ ...flow, 'interface-id': '-' })).toMatchObject({ ok: false, source: 'aws.vpcflow' });
    expect(normalizeRecord({ ...flow, start: '-5' })).toMatchObject({ ok: false, reason: 'start: negative timestamp' });
  });
});
