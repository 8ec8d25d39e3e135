import { CaseError } from '../../../shared/cases/lifecycle';
import { parseProviderResponseRequest } from '../../../shared/response/provider-request';

const PROVIDER = '222222222222';
const envelope = (over: Record<string, unknown> = {}, detail: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  source: 'mdr.provider',
  'detail-type': 'RequestResponseAction',
  account: PROVIDER,
  detail: { caseId: 'case-0123456789abcdef0123', action: 'block_ip', target: { ip: '198.51.100.7' }, analyst: 'soc-7', ...detail },
  ...over,
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CaseError);
    return (e as CaseError).code;
  }
  throw new Error('expected a CaseError');
};

describe('provider response requests', () => {
  it('reads a request of the provider, keyed on the event id', () => {
    const r = parseProviderResponseRequest(envelope(), PROVIDER);
    expect(r).toMatchObject({ caseId: 'case-0123456789abcdef0123', action: 'block_ip', target: { ip: '198.51.100.7' }, dryRun: false, requesterRole: 'provider', actor: { type: 'provider', id: `${PROVIDER}:soc-7`, via: 'provider-bus' } });
    expect(parseProviderResponseRequest(envelope(), PROVIDER).idempotencyKey).toBe(r.idempotencyKey);
    expect(parseProviderResponseRequest(envelope({ id: 'evt-2' }), PROVIDER).idempotencyKey).not.toBe(r.idempotencyKey);
  });

  it('refuses another sender account, another command, and malformed details', () => {
    expect(codeOf(() => parseProviderResponseRequest(envelope({ account: '999999999999' }), PROVIDER))).toBe('forbidden');
    expect(codeOf(() => parseProviderResponseRequest(envelope({ 'detail-type': 'AddNote' }), PROVIDER))).toBe('invalid_request');
    expect(codeOf(() => parseProviderResponseRequest(envelope({}, { action: 'wipe' }), PROVIDER))).toBe('invalid_request');
    expect(codeOf(() => parseProviderResponseRequest(envelope({}, { target: 'x' }), PROVIDER))).toBe('invalid_request');
    expect(codeOf(() => parseProviderResponseRequest(envelope({}, { caseId: '../x' }), PROVIDER))).toBe('invalid_request');
  });
});
