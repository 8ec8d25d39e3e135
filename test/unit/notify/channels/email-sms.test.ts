import type { EmailChannelConfig, SmsChannelConfig } from '../../../../shared/notify/channels';
import { buildEmail, classifyEmailError } from '../../../../shared/notify/channels/email';
import { buildSms, classifySmsError, SMS_MAX_CHARS } from '../../../../shared/notify/channels/sms';
import { message, notification, OBSERVABLES } from './fixtures';

const email: EmailChannelConfig = { kind: 'email', from: 'MDR <mdr@example.com>', to: ['soc@example.com'], recipients: { secops: ['a@example.com', 'b@example.com'] } };
const sms: SmsChannelConfig = { kind: 'sms', to: ['+15550100001'], recipients: { secops: ['+15550100002'] } };

function awsError(name: string, status?: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
}

describe('email through SES v2', () => {
  it('builds SendEmail with subject, text and HTML bodies carrying severity, title, case and ack links', () => {
    const input = buildEmail(message(), email);
    expect(input.FromEmailAddress).toBe('MDR <mdr@example.com>');
    expect(input.Destination).toEqual({ ToAddresses: ['a@example.com', 'b@example.com'] });
    expect(input.Content?.Simple?.Subject?.Data).toBe('[HIGH] CloudTrail logging stopped by quinn — new case');
    const text = input.Content?.Simple?.Body?.Text?.Data ?? '';
    expect(text).toContain('https://soc.example.com/cases/case-42');
    expect(text).toContain('Acknowledge: https://ack.example.com/a/tok123');
    expect(input.Content?.Simple?.Body?.Html?.Data).toContain('href="https://ack.example.com/a/tok123"');
    expect(input.EmailTags).toContainEqual({ Name: 'mdr-case', Value: 'case-42' });
  });

  it('resolves recipients: named target, an address target, else the defaults', () => {
    expect(buildEmail(message({ notification: { ...notification, target: 'x@example.org' } }), email).Destination?.ToAddresses).toEqual(['x@example.org']);
    expect(buildEmail(message({ notification: { ...notification, target: 'nobody' } }), email).Destination?.ToAddresses).toEqual(['soc@example.com']);
    expect(() => buildEmail(message({ notification: { ...notification, target: 'nobody' } }), { kind: 'email', from: 'm@example.com' })).toThrow(/no email recipient/);
  });

  it('escapes HTML and keeps observables out unless configured', () => {
    const m = message({ current: { ...message().current, title: '<script>x</script>' } });
    const input = buildEmail(m, email);
    expect(input.Content?.Simple?.Body?.Html?.Data).not.toContain('<script>');
    for (const o of OBSERVABLES) expect(JSON.stringify(input)).not.toContain(o);
    expect(buildEmail(m, { ...email, includeObservables: true }).Content?.Simple?.Body?.Text?.Data).toContain('ips: 203.0.113.9');
  });

  it('retries throttling and 5xx, rejects the rest', () => {
    expect(classifyEmailError(awsError('TooManyRequestsException', 429))).toMatchObject({ kind: 'retry' });
    expect(classifyEmailError(awsError('LimitExceededException', 400))).toMatchObject({ kind: 'retry' });
    expect(classifyEmailError(awsError('InternalFailure', 500))).toMatchObject({ kind: 'retry' });
    expect(classifyEmailError(awsError('TimeoutError'))).toMatchObject({ kind: 'retry' });
    expect(classifyEmailError(awsError('MessageRejected', 400))).toMatchObject({ kind: 'rejected', status: 400, reason: expect.stringMatching(/^SES SendEmail: MessageRejected/) });
    expect(classifyEmailError(awsError('SendingPausedException', 400))).toMatchObject({ kind: 'rejected' });
  });
});

describe('SMS through SNS', () => {
  it('publishes one transactional text per number with severity, title and both links', () => {
    const inputs = buildSms(message(), { ...sms, senderId: 'ACMESOC' });
    expect(inputs).toHaveLength(1);
    expect(inputs[0].PhoneNumber).toBe('+15550100002');
    expect(inputs[0].Message).toBe(
      'MDR HIGH: CloudTrail logging stopped by quinn / case: https://soc.example.com/cases/case-42 / ack: https://ack.example.com/a/tok123',
    );
    expect(inputs[0].MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'ACMESOC' },
    });
  });

  it('shortens the title so the links always fit, and keeps observables out unless configured', () => {
    const long = message({ current: { ...message().current, title: 'y'.repeat(2000) } });
    const text = buildSms(long, { ...sms, includeObservables: true })[0].Message ?? '';
    expect(text.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(text).toContain('ack: https://ack.example.com/a/tok123');
    const m = message({ current: { ...message().current, title: 'Logging stopped' } });
    for (const o of OBSERVABLES) expect(buildSms(m, sms)[0].Message).not.toContain(o);
  });

  it('resolves a number target and refuses a target without numbers', () => {
    expect(buildSms(message({ notification: { ...notification, target: '+447700900123' } }), sms)[0].PhoneNumber).toBe('+447700900123');
    expect(() => buildSms(message({ notification: { ...notification, target: 'x' } }), { kind: 'sms' })).toThrow(/no SMS recipient/);
  });

  it('retries throttling, rejects invalid parameters', () => {
    expect(classifySmsError(awsError('ThrottledException', 429))).toMatchObject({ kind: 'retry' });
    expect(classifySmsError(awsError('InvalidParameterException', 400))).toMatchObject({ kind: 'rejected' });
    expect(classifySmsError(awsError('AuthorizationErrorException', 403))).toMatchObject({ kind: 'rejected' });
  });
});
