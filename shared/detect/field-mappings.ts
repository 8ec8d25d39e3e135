/**
 * Field mappings, as declared data: for each event logsource, which Sigma
 * field names read which path of the event (`fields`), and which top-level
 * names such events carry (`known`, for `mdr rules lint`). A rule whose fields
 * none of the events routed to it can carry is reported by lint, instead of
 * loading and silently never matching.
 *
 * Two kinds of rule exist:
 * - vendor rules (every logsource except `product: ocsf`) run on the raw
 *   record, with the vendor's field names (`eventName`, `Image`);
 * - OCSF rules (`logsource: {product: ocsf}`) run on the normalized OCSF event
 *   of any source (`actor.user.name`, `src_endpoint.ip`, `class_uid`);
 *   `service`/`category`, when written, still restrict them to events of that
 *   logsource.
 *
 * A mapping only fills in a field the event does not carry itself: a rule
 * written against the event's native names always reads those.
 */
import type { LogSource } from '../telemetry';

export interface FieldMapping {
  /** Events this entry describes: every field it names must equal the event's (case-insensitive). */
  logsource: LogSource;
  /** Sigma field name → path in the event (dotted), for names the event lacks natively. */
  fields?: Readonly<Record<string, string>>;
  /** Top-level names events of this logsource carry (a dotted field is checked by its first segment). */
  known?: readonly string[];
}

/** The logsource product that marks a rule written against OCSF attributes. */
export const OCSF_PRODUCT = 'ocsf';

export function isOcsfLogsource(ls: LogSource): boolean {
  return ls.product?.toLowerCase() === OCSF_PRODUCT;
}

/** Top-level OCSF attributes the normalizers produce (OCSF 1.x event classes). */
export const OCSF_ATTRIBUTES: readonly string[] = [
  'activity_id', 'activity_name', 'actor', 'api', 'app_name', 'attacks', 'auth_protocol', 'auth_protocol_id', 'category_name',
  'category_uid', 'class_name', 'class_uid', 'cloud', 'confidence', 'connection_info', 'count', 'device', 'disposition',
  'disposition_id', 'dst_endpoint', 'duration', 'end_time', 'enrichments', 'evidences', 'file', 'finding_info', 'http_request',
  'http_response', 'is_mfa', 'is_remote', 'logon_type', 'logon_type_id', 'message', 'metadata', 'module', 'observables',
  'process', 'query', 'answers', 'raw_data', 'reg_key', 'reg_value', 'resources', 'session', 'severity', 'severity_id',
  'src_endpoint', 'start_time', 'status', 'status_code', 'status_detail', 'status_id', 'time', 'traffic', 'type_name', 'type_uid',
  'unmapped', 'user', 'user_result', 'policy', 'service', 'web_resources', 'win_resource', 'job', 'kernel', 'driver',
];

/** System fields every flattened Windows event carries (shared/normalize/sources/windows.ts). */
const WINDOWS_SYSTEM = [
  'EventID', 'Channel', 'Computer', 'Provider_Name', 'Provider_Guid', 'EventRecordID', 'TimeCreated', 'Level', 'Task', 'Opcode',
  'Keywords', 'Version', 'Security_UserID', 'Execution_ProcessID', 'Execution_ThreadID', 'Correlation_ActivityID',
];

/** Sysmon event 1 fields (Sysmon schema). */
const SYSMON_PROCESS = [
  'RuleName', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'FileVersion', 'Description', 'Product', 'Company',
  'OriginalFileName', 'CommandLine', 'CurrentDirectory', 'User', 'LogonGuid', 'LogonId', 'TerminalSessionId', 'IntegrityLevel',
  'Hashes', 'ParentProcessGuid', 'ParentProcessId', 'ParentImage', 'ParentCommandLine', 'ParentUser',
];

/** Security 4688 fields (Windows audit schema). */
const SECURITY_4688 = [
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'NewProcessId', 'NewProcessName',
  'TokenElevationType', 'ProcessId', 'CommandLine', 'TargetUserSid', 'TargetUserName', 'TargetDomainName', 'TargetLogonId',
  'ParentProcessName', 'MandatoryLabel',
];

/**
 * EventData names of the Security events SigmaHQ's `service: security`
 * rules select (Windows audit schema): logons and logoffs (4624, 4625, 4634,
 * 4648, 4672), Kerberos and NTLM (4768, 4769, 4771, 4776), shares (5140,
 * 5145), objects and handles (4656, 4662, 4663, 5136), accounts and groups
 * (4720–4767, 4728–4757, 4741, 4742, 4765), services and tasks (4697, 4698,
 * 4699, 4702), filtering platform connections (5156, 5157), privileges
 * (4673, 4674). Lint only: the rules read these names from the event itself.
 */
const SECURITY_EVENTS = [
  'SubjectUserSid', 'SubjectUserName', 'SubjectDomainName', 'SubjectLogonId', 'TargetUserSid', 'TargetUserName', 'TargetDomainName',
  'TargetLogonId', 'TargetLinkedLogonId', 'TargetOutboundUserName', 'TargetOutboundDomainName', 'TargetServerName', 'TargetInfo',
  'TargetSid', 'NewTargetUserName', 'OldTargetUserName', 'LogonType', 'LogonProcessName', 'AuthenticationPackageName', 'LmPackageName',
  'PackageName', 'WorkstationName', 'Workstation', 'LogonGuid', 'TransmittedServices', 'KeyLength', 'ProcessId', 'ProcessName',
  'IpAddress', 'IpPort', 'ImpersonationLevel', 'RestrictedAdminMode', 'VirtualAccount', 'ElevatedToken', 'Status', 'SubStatus',
  'FailureReason', 'PrivilegeList', 'ServiceName', 'ServiceSid', 'TicketOptions', 'TicketEncryptionType', 'PreAuthType',
  'CertIssuerName', 'CertSerialNumber', 'CertThumbprint', 'ObjectServer', 'ObjectType', 'ObjectName', 'HandleId', 'AccessList',
  'AccessMask', 'AccessReason', 'Properties', 'OperationType', 'AdditionalInfo', 'AdditionalInfo2', 'ResourceAttributes',
  'ShareName', 'ShareLocalPath', 'RelativeTargetName', 'OpCorrelationID', 'AppCorrelationID', 'DSName', 'DSType', 'ObjectDN',
  'ObjectGUID', 'ObjectClass', 'AttributeLDAPDisplayName', 'AttributeSyntaxOID', 'AttributeValue', 'SamAccountName',
  'DisplayName', 'UserPrincipalName', 'HomeDirectory', 'HomePath', 'ScriptPath', 'ProfilePath', 'UserWorkstations',
  'PasswordLastSet', 'AccountExpires', 'PrimaryGroupId', 'AllowedToDelegateTo', 'OldUacValue', 'NewUacValue',
  'UserAccountControl', 'UserParameters', 'SidHistory', 'LogonHours', 'DnsHostName', 'ServicePrincipalNames', 'MemberName',
  'MemberSid', 'ServiceFileName', 'ServiceType', 'ServiceStartType', 'ServiceAccount', 'TaskName', 'TaskContent', 'Service',
  'Application', 'Direction', 'SourceAddress', 'SourcePort', 'DestAddress', 'DestPort', 'Protocol', 'FilterRTID', 'FilterOrigin',
  'LayerName', 'LayerRTID', 'RemoteUserID', 'RemoteMachineID', 'CallerProcessId', 'CallerProcessName',
];

/** Sysmon events 12, 13, 14 fields. */
const SYSMON_REGISTRY = ['RuleName', 'EventType', 'UtcTime', 'ProcessGuid', 'ProcessId', 'Image', 'TargetObject', 'Details', 'NewName', 'User'];

export const FIELD_MAPPINGS: readonly FieldMapping[] = [
  {
    logsource: { product: 'aws', service: 'cloudtrail' },
    known: [
      'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
      'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
      'readOnly', 'resources', 'eventType', 'apiVersion', 'managementEvent', 'recipientAccountId', 'serviceEventDetails',
      'sharedEventID', 'vpcEndpointId', 'vpcEndpointAccountId', 'eventCategory', 'addendum', 'sessionCredentialFromConsole',
      'edgeDeviceDetails', 'tlsDetails', 'insightDetails',
    ],
  },
  {
    logsource: { product: 'okta', service: 'okta' },
    // SigmaHQ's Okta rules write the System Log's names in lower case (eventtype: …, actor.alternateid), and
    // one reads a bare alternateId, which the System Log has only under actor (the principal who acted).
    fields: {
      eventtype: 'eventType',
      legacyeventtype: 'legacyEventType',
      displaymessage: 'displayMessage',
      'actor.alternateid': 'actor.alternateId',
      alternateId: 'actor.alternateId',
    },
    known: [
      'uuid', 'published', 'eventType', 'version', 'severity', 'legacyEventType', 'displayMessage', 'actor', 'client', 'device',
      'outcome', 'target', 'transaction', 'debugContext', 'authenticationContext', 'securityContext', 'request',
    ],
  },
  {
    logsource: { product: 'windows', service: 'sysmon', category: 'process_creation' },
    known: [...WINDOWS_SYSTEM, ...SYSMON_PROCESS],
  },
  {
    // Security 4688 names its processes differently; SigmaHQ process_creation rules use Sysmon's names.
    logsource: { product: 'windows', service: 'security', category: 'process_creation' },
    fields: { Image: 'NewProcessName', ParentImage: 'ParentProcessName', LogonId: 'SubjectLogonId' },
    known: [...WINDOWS_SYSTEM, ...SECURITY_4688],
  },
  {
    // Every Security event: its own EventData names (4688's are above, with the process_creation mapping).
    logsource: { product: 'windows', service: 'security' },
    known: [...WINDOWS_SYSTEM, ...SECURITY_4688, ...SECURITY_EVENTS],
  },
  ...['registry_add', 'registry_delete', 'registry_set', 'registry_rename', 'registry_event'].map((category) => ({
    logsource: { product: 'windows', service: 'sysmon', category },
    known: [...WINDOWS_SYSTEM, ...SYSMON_REGISTRY],
  })),
];

function applies(entry: LogSource, event: LogSource): boolean {
  for (const k of ['product', 'service', 'category'] as const) {
    const want = entry[k];
    if (want !== undefined && event[k]?.toLowerCase() !== want.toLowerCase()) return false;
  }
  return true;
}

/** Sigma field → event path for events of this logsource (merged over the entries that describe it). */
export function fieldMapFor(event: LogSource, mappings: readonly FieldMapping[] = FIELD_MAPPINGS): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of mappings) {
    if (!m.fields || !applies(m.logsource, event)) continue;
    for (const [k, v] of Object.entries(m.fields)) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/**
 * The fields of a rule that no event routed to it can carry, with the reason;
 * empty when every field resolves or when no mapping describes the events the
 * rule sees (nothing declared: nothing to check). `routes(rule, event)` is the
 * rule engine's logsource test.
 */
export function unresolvedFields(
  rule: LogSource,
  fields: readonly string[],
  routes: (rule: LogSource, event: LogSource) => boolean,
  mappings: readonly FieldMapping[] = FIELD_MAPPINGS,
): string[] {
  let known: Set<string>;
  if (isOcsfLogsource(rule)) {
    known = new Set(OCSF_ATTRIBUTES);
  } else {
    const entries = mappings.filter((m) => m.known && routes(rule, m.logsource));
    if (entries.length === 0) return [];
    known = new Set(entries.flatMap((m) => [...(m.known ?? []), ...Object.keys(m.fields ?? {})]));
  }
  const out: string[] = [];
  for (const f of fields) {
    if (known.has(f) || known.has(f.split('.')[0])) continue;
    const hint = !isOcsfLogsource(rule) && OCSF_ATTRIBUTES.includes(f.split('.')[0]) ? ' (an OCSF attribute: OCSF rules say `logsource: {product: ocsf}`)' : '';
    const where = Object.entries(rule).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
    out.push(`field '${f}' is not carried by events of logsource {${where}}${hint}`);
  }
  return out;
}
