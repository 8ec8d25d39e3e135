/**
 * The route path (SourceMapper.route, routeRecord): events whose OCSF form
 * is mapped when first read. Equality with normalize over many records is
 * the fuzz suite's (test/unit/fuzz/route.test.ts); these are the contracts.
 */
import { normalizeRecord, routeRecord } from '../../../shared/normalize/registry';
import { DeferredMappingError, lazyEvent, NormalizeError, type SourceMapper } from '../../../shared/normalize/source';
import type { OcsfEvent } from '../../../shared/ocsf/types';
import { fixture } from './helpers';

describe('route path', () => {
  const ct = (fixture('cloudtrail', 'logfile.json').Records as Record<string, unknown>[])[2];

  test('maps to OCSF once, on first read, and gives what normalize gives', () => {
    let calls = 0;
    const ocsf = { class_uid: 6003 } as OcsfEvent;
    const e = lazyEvent('u1', 's', { product: 'p' }, 5, { a: 1 }, () => {
      calls++;
      return ocsf;
    });
    expect(calls).toBe(0);
    expect(e.ocsf).toBe(ocsf);
    expect(e.ocsf).toBe(ocsf);
    expect(calls).toBe(1);
    // Serialized, it is an ordinary event.
    expect(JSON.stringify(e)).toBe(JSON.stringify({ uid: 'u1', source: 's', logsource: { product: 'p' }, time: 5, ocsf, raw: { a: 1 } }));

    const routed = routeRecord(ct);
    const eager = normalizeRecord(ct);
    if (!routed.ok || !eager.ok) throw new Error('expected both to normalize');
    expect(routed.events[0].ocsf).toEqual(eager.events[0].ocsf);
    expect(JSON.parse(JSON.stringify(routed.events))).toEqual(JSON.parse(JSON.stringify(eager.events)));
  });

  test('a mapping that fails when read throws DeferredMappingError carrying what the mapper threw', () => {
    const e = lazyEvent('u', 's', {}, 0, {}, () => {
      throw new NormalizeError('x: expected a string');
    });
    let caught: unknown;
    try {
      void e.ocsf;
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DeferredMappingError);
    expect((caught as DeferredMappingError).cause).toEqual(new NormalizeError('x: expected a string'));
  });

  test('rejects with the reason normalize gives; sources without a route are normalized', () => {
    const bad = { ...ct, userIdentity: { ...(ct.userIdentity as object), arn: 7 } };
    expect(routeRecord(bad)).toEqual(normalizeRecord(bad));
    expect(routeRecord(bad)).toMatchObject({ ok: false, reason: 'userIdentity.arn: expected a string, got number', source: 'aws.cloudtrail' });

    const plain: SourceMapper = {
      id: 'plain',
      name: 'no route',
      recognize: () => true,
      normalize: (r) => [{ uid: 'p', source: 'plain', logsource: {}, time: 1, ocsf: { class_uid: 0 } as OcsfEvent, raw: r }],
    };
    const r = routeRecord({ a: 1 }, [plain]);
    expect(r).toEqual(normalizeRecord({ a: 1 }, [plain]));
    if (r.ok) expect(Object.getOwnPropertyDescriptor(r.events[0], 'ocsf')?.value).toEqual({ class_uid: 0 });
  });
});
