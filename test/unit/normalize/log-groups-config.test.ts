import { ConfigError } from '../../../shared/config/customer-config';
import { logGroupHints, parseLogGroups } from '../../../shared/config/log-groups-config';

describe('config logGroups', () => {
  test('absent means none; names, filter patterns and custom flow log formats are read', () => {
    expect(parseLogGroups(undefined)).toEqual([]);
    const groups = parseLogGroups([
      { name: '/aws/route53/resolver-queries' },
      { name: '/vpc/flow-logs', filterPattern: '[version, account, eni, src, dst, srcport, dstport="22", ...]', vpcFlowLogFormat: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${start}' },
    ]);
    expect(groups).toEqual([
      { name: '/aws/route53/resolver-queries', filterPattern: '' },
      { name: '/vpc/flow-logs', filterPattern: '[version, account, eni, src, dst, srcport, dstport="22", ...]', vpcFlowFields: ['version', 'vpc-id', 'srcaddr', 'dstaddr', 'dstport', 'start'] },
    ]);
    expect(logGroupHints(groups)).toEqual({ '/vpc/flow-logs': { vpcFlowFields: ['version', 'vpc-id', 'srcaddr', 'dstaddr', 'dstport', 'start'] } });
    expect(logGroupHints(groups.slice(0, 1))).toBeUndefined();
  });

  test.each([
    [{}, 'logGroups', /must be a list/],
    [[{}], 'logGroups[0].name', /log group name/],
    [[{ name: 'has space' }], 'logGroups[0].name', /log group name/],
    [[{ name: '/a' }, { name: '/a' }], 'logGroups[1].name', /listed twice/],
    [[{ name: '/a', filterPattern: 3 }], 'logGroups[0].filterPattern', /string/],
    [[{ name: '/a', vpcFlowLogFormat: '${version} srcaddr' }], 'logGroups[0].vpcFlowLogFormat', /"srcaddr" is not a/],
    [[{ name: '/a', filter: '' }], 'logGroups[0].filter', /not a field/],
  ])('%j is refused at %s', (input, field, reason) => {
    let err: unknown;
    try {
      parseLogGroups(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe(field);
    expect((err as ConfigError).reason).toMatch(reason);
  });
});
