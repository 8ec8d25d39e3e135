import { ConfigError } from '../../../shared/config/customer-config';
import { parseResponseConfig } from '../../../shared/config/response-config';
import { RESPONSE_ACTION_TYPES } from '../../../shared/contracts/investigation';

const IP_SET = 'arn:aws:wafv2:us-east-1:111111111111:regional/ipset/blocked/0a1b2c3d-0000-4000-8000-000000000001';

function fieldOf(input: unknown): string {
  try {
    parseResponseConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error('expected a ConfigError');
}

describe('response configuration', () => {
  it('disables every action by default and runs for real unless dryRun is set', () => {
    for (const input of [undefined, {}, { actions: {} }]) {
      const c = parseResponseConfig(input);
      expect(c.dryRun).toBe(false);
      for (const a of RESPONSE_ACTION_TYPES) expect(c.actions[a].enabled).toBe(false);
    }
  });

  it('fills requesters and approval of an enabled action with the safe choice (customer asks, customer approves)', () => {
    const c = parseResponseConfig({ dryRun: true, actions: { deactivate_access_key: { enabled: true } } });
    expect(c.dryRun).toBe(true);
    expect(c.actions.deactivate_access_key).toEqual({ enabled: true, requesters: ['customer'], approval: 'customer' });
  });

  it('reads the IP set scope from its ARN', () => {
    const c = parseResponseConfig({ actions: { block_ip: { enabled: true, requesters: ['provider'], approval: 'none', ipSetArn: IP_SET } } });
    expect(c.actions.block_ip).toMatchObject({ ipSetArn: IP_SET, ipSetScope: 'REGIONAL', requesters: ['provider'], approval: 'none' });
  });

  it.each([
    [{ dryRun: 'yes' }, 'response.dryRun'],
    [{ extra: 1 }, 'response.extra'],
    [{ actions: { wipe_disk: { enabled: true } } }, 'response.actions.wipe_disk'],
    [{ actions: { block_ip: { enabled: 'true', ipSetArn: IP_SET } } }, 'response.actions.block_ip.enabled'],
    [{ actions: { deny_all_policy: { enabled: true, requesters: ['anyone'] } } }, 'response.actions.deny_all_policy.requesters'],
    [{ actions: { deny_all_policy: { enabled: true, requesters: [] } } }, 'response.actions.deny_all_policy.requesters'],
    [{ actions: { deny_all_policy: { enabled: true, approval: 'provider' } } }, 'response.actions.deny_all_policy.approval'],
    [{ actions: { deny_all_policy: { enabled: true, ipSetArn: IP_SET } } }, 'response.actions.deny_all_policy.ipSetArn'],
    [{ actions: { block_ip: { enabled: true } } }, 'response.actions.block_ip.ipSetArn'],
    [{ actions: { block_ip: { enabled: true, ipSetArn: 'arn:aws:s3:::bucket' } } }, 'response.actions.block_ip.ipSetArn'],
    [{ actions: { block_ip: { enabled: true, ipSetArn: IP_SET, ipSetScope: 'CLOUDFRONT' } } }, 'response.actions.block_ip.ipSetArn'],
  ])('names the bad field of %j', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
