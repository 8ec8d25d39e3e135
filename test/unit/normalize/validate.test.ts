import { validateOcsf } from '../../../shared/ocsf/validate';

const base = {
  class_uid: 6003,
  category_uid: 6,
  activity_id: 1,
  type_uid: 600301,
  severity_id: 1,
  time: 1772474400000,
  metadata: { version: '1.3.0', product: { name: 'P', vendor_name: 'V' } },
  actor: { user: { name: 'u' } },
  api: { operation: 'Op' },
  src_endpoint: { ip: '10.0.0.1' },
};

describe('validateOcsf', () => {
  test('a complete API Activity event passes', () => {
    expect(validateOcsf(base)).toEqual([]);
  });

  test('base attributes and type_uid arithmetic', () => {
    expect(validateOcsf('x')).toEqual(['event is not an object']);
    expect(validateOcsf({ ...base, type_uid: 600302 })).toEqual(['type_uid: 600302 is not class_uid*100+activity_id (600301)']);
    expect(validateOcsf({ ...base, time: 'now' })).toContain('time: required timestamp (ms)');
    expect(validateOcsf({ ...base, severity_id: 7 })).toContain('severity_id: 7 is not an OCSF severity');
    expect(validateOcsf({ ...base, metadata: { version: '1.3.0', product: {} } })).toContain('metadata.product.vendor_name: required string');
    expect(validateOcsf({ ...base, category_uid: 3 })).toContain('category_uid: 3 should be 6 for API Activity');
    expect(validateOcsf({ ...base, activity_id: 7, type_uid: 600307 })).toContain('activity_id: 7 is not an activity of API Activity');
    expect(validateOcsf({ ...base, class_uid: 9999, type_uid: 999901 })).toEqual(['class_uid: 9999 is not a class this validator knows']);
  });

  test('class-specific required attributes', () => {
    const { api: _a, ...noApi } = base;
    expect(validateOcsf(noApi)).toContain('api: required object missing');
    expect(validateOcsf({ ...base, actor: {} })).toContain('actor: required (empty object)');
    const auth = { ...base, class_uid: 3002, category_uid: 3, type_uid: 300201 };
    expect(validateOcsf(auth)).toEqual(['user: required object missing', 'at least one of service, dst_endpoint is required']);
    const finding = { ...base, class_uid: 2004, category_uid: 2, type_uid: 200401, finding_info: { uid: 'f' } };
    expect(validateOcsf(finding)).toEqual(['finding_info.title: required string']);
    const comp = { ...base, class_uid: 2003, category_uid: 2, type_uid: 200301, finding_info: { uid: 'f', title: 't' }, compliance: { standards: [] } };
    expect(validateOcsf(comp)).toEqual(['compliance.standards: required non-empty array']);
    const net = { ...base, class_uid: 4001, category_uid: 4, type_uid: 400101, src_endpoint: undefined };
    expect(validateOcsf(net)).toEqual(['at least one of src_endpoint, dst_endpoint is required']);
    const reg = { ...base, class_uid: 201001, category_uid: 1, type_uid: 20100101, reg_key: { name: 'x' } };
    expect(validateOcsf(reg)).toEqual(['reg_key.path: required string']);
    const proc = { ...base, class_uid: 1007, category_uid: 1, type_uid: 100701 };
    expect(validateOcsf(proc)).toEqual(['process: required object missing']);
  });
});
