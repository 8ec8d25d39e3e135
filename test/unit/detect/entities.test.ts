import fc from 'fast-check';
import { entitiesJson, entitiesOf } from '../../../shared/detect/entities';
import type { OcsfEvent } from '../../../shared/ocsf/types';
import { runs } from '../fuzz/support';

describe('entities', () => {
  test('entitiesOf reads who and what from the OCSF attributes, lists sorted and without repeats', () => {
    const ocsf = {
      actor: { user: { name: 'carol', uid: 'AIDA1' } },
      cloud: { provider: 'AWS', account: { uid: '111122223333' } },
      src_endpoint: { ip: '203.0.113.9', hostname: 'ws-2' },
      dst_endpoint: { ip: '10.0.0.5', hostname: 'ws-2' },
      device: { hostname: 'db-1' },
      resources: [{ uid: 'arn:b' }, { name: 'a' }, { uid: 'arn:b' }],
    } as unknown as OcsfEvent;
    expect(entitiesOf(ocsf)).toEqual({ users: ['carol'], hosts: ['db-1', 'ws-2'], ips: ['10.0.0.5', '203.0.113.9'], accounts: ['111122223333'], resources: ['a', 'arn:b'] });
  });

  test('entitiesJson writes what JSON.stringify writes (property, any strings)', () => {
    const list = fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), { maxLength: 4 });
    fc.assert(
      fc.property(list, list, list, list, list, (users, hosts, ips, accounts, resources) => {
        const e = { users, hosts, ips, accounts, resources };
        expect(entitiesJson(e)).toBe(JSON.stringify(e));
      }),
      runs(300),
    );
  });
});
