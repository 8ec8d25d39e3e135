/**
 * Catalog of the OCSF 1.3.0 event classes the normalizers produce, with the
 * class-specific attributes we fill. Names and ids follow schema.ocsf.io
 * (1.3.0); the Windows registry classes come from the OCSF `windows`
 * extension (extension uid 2, hence class_uid 2010xx).
 */
import type {
  OcsfAccount,
  OcsfEndpoint,
  OcsfEvent,
  OcsfProcess,
  OcsfResource,
  OcsfUser,
} from './types';

export interface OcsfClassInfo {
  uid: number;
  name: string;
  category_uid: number;
  category_name: string;
  /** activity_id → activity name; 0 Unknown and 99 Other are implied. */
  activities: Record<number, string>;
}

const SYSTEM = { category_uid: 1, category_name: 'System Activity' };
const FINDINGS = { category_uid: 2, category_name: 'Findings' };
const IAM = { category_uid: 3, category_name: 'Identity & Access Management' };
const NETWORK = { category_uid: 4, category_name: 'Network Activity' };
const APPLICATION = { category_uid: 6, category_name: 'Application Activity' };

const FINDING_ACTIVITIES = { 1: 'Create', 2: 'Update', 3: 'Close' };
const NETWORK_ACTIVITIES = { 1: 'Open', 2: 'Close', 3: 'Reset', 4: 'Fail', 5: 'Refuse', 6: 'Traffic', 7: 'Listen' };

export const OcsfClass = {
  BaseEvent: { uid: 0, name: 'Base Event', category_uid: 0, category_name: 'Uncategorized', activities: {} },
  FileSystemActivity: {
    uid: 1001,
    name: 'File System Activity',
    ...SYSTEM,
    activities: { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 5: 'Rename', 6: 'Set Attributes', 7: 'Set Security', 8: 'Get Attributes', 9: 'Get Security', 10: 'Encrypt', 11: 'Decrypt', 12: 'Mount', 13: 'Unmount', 14: 'Open' },
  },
  KernelExtensionActivity: { uid: 1002, name: 'Kernel Extension Activity', ...SYSTEM, activities: { 1: 'Load', 2: 'Unload' } },
  ModuleActivity: { uid: 1005, name: 'Module Activity', ...SYSTEM, activities: { 1: 'Load', 2: 'Unload' } },
  ProcessActivity: {
    uid: 1007,
    name: 'Process Activity',
    ...SYSTEM,
    activities: { 1: 'Launch', 2: 'Terminate', 3: 'Open', 4: 'Inject', 5: 'Set User ID' },
  },
  RegistryKeyActivity: {
    uid: 201001,
    name: 'Registry Key Activity',
    ...SYSTEM,
    activities: { 1: 'Create', 2: 'Read', 3: 'Modify', 4: 'Delete', 5: 'Rename', 6: 'Set Security', 7: 'Restore', 8: 'Import', 9: 'Export' },
  },
  RegistryValueActivity: { uid: 201002, name: 'Registry Value Activity', ...SYSTEM, activities: { 1: 'Get', 2: 'Set', 3: 'Modify', 4: 'Delete' } },
  ComplianceFinding: { uid: 2003, name: 'Compliance Finding', ...FINDINGS, activities: FINDING_ACTIVITIES },
  DetectionFinding: { uid: 2004, name: 'Detection Finding', ...FINDINGS, activities: FINDING_ACTIVITIES },
  AccountChange: {
    uid: 3001,
    name: 'Account Change',
    ...IAM,
    activities: { 1: 'Create', 2: 'Enable', 3: 'Password Change', 4: 'Password Reset', 5: 'Disable', 6: 'Delete', 7: 'Attach Policy', 8: 'Detach Policy', 9: 'Lock', 10: 'MFA Factor Enable', 11: 'MFA Factor Disable', 12: 'Unlock' },
  },
  Authentication: {
    uid: 3002,
    name: 'Authentication',
    ...IAM,
    activities: { 1: 'Logon', 2: 'Logoff', 3: 'Authentication Ticket', 4: 'Service Ticket Request', 5: 'Service Ticket Renew', 6: 'Preauth' },
  },
  GroupManagement: {
    uid: 3006,
    name: 'Group Management',
    ...IAM,
    activities: { 1: 'Assign Privileges', 2: 'Revoke Privileges', 3: 'Add User', 4: 'Remove User', 5: 'Delete', 6: 'Create' },
  },
  NetworkActivity: { uid: 4001, name: 'Network Activity', ...NETWORK, activities: NETWORK_ACTIVITIES },
  HttpActivity: {
    uid: 4002,
    name: 'HTTP Activity',
    ...NETWORK,
    activities: { 1: 'Connect', 2: 'Delete', 3: 'Get', 4: 'Head', 5: 'Options', 6: 'Post', 7: 'Put', 8: 'Trace' },
  },
  DnsActivity: { uid: 4003, name: 'DNS Activity', ...NETWORK, activities: { 1: 'Query', 2: 'Response', 6: 'Traffic' } },
  ApiActivity: { uid: 6003, name: 'API Activity', ...APPLICATION, activities: { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete' } },
} as const satisfies Record<string, OcsfClassInfo>;

const byUid = new Map<number, OcsfClassInfo>(Object.values(OcsfClass).map((c) => [c.uid, c]));

/** Class info by class_uid, or undefined for a class we do not model. */
export function ocsfClass(uid: number): OcsfClassInfo | undefined {
  return byUid.get(uid);
}

export function activityName(cls: OcsfClassInfo, activityId: number): string {
  if (activityId === 0) return 'Unknown';
  if (activityId === 99) return 'Other';
  return (cls.activities as Record<number, string>)[activityId] ?? 'Other';
}

export const SEVERITY_NAMES: Record<number, string> = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
  99: 'Other',
};

export const STATUS_NAMES: Record<number, string> = { 0: 'Unknown', 1: 'Success', 2: 'Failure', 99: 'Other' };

// ---- objects beyond the base types (OCSF dictionary names) ----

export interface OcsfFingerprint {
  /** 1 MD5, 2 SHA-1, 3 SHA-256, 99 Other. */
  algorithm_id: number;
  algorithm?: string;
  value: string;
}

export interface OcsfFile {
  name?: string;
  path?: string;
  parent_folder?: string;
  type_id?: number;
  hashes?: OcsfFingerprint[];
  size?: number;
}

export interface OcsfProcessExt extends OcsfProcess {
  file?: OcsfFile;
  created_time?: number;
  integrity?: string;
  terminated_time?: number;
  parent_process?: OcsfProcessExt;
}

export interface OcsfUserExt extends OcsfUser {
  uid_alt?: string;
  domain?: string;
  type_id?: number;
}

export interface OcsfGroup {
  uid?: string;
  name?: string;
  domain?: string;
}

export interface OcsfDevice {
  hostname?: string;
  uid?: string;
  ip?: string;
  domain?: string;
  name?: string;
  os?: { name?: string; type_id?: number; type?: string };
  type_id?: number;
  instance_uid?: string;
}

export interface OcsfLocation {
  city?: string;
  country?: string;
  region?: string;
  postal_code?: string;
  lat?: number;
  long?: number;
}

export interface OcsfNetworkEndpointExt extends OcsfEndpoint {
  interface_uid?: string;
  vpc_uid?: string;
  subnet_uid?: string;
  location?: OcsfLocation;
  name?: string;
}

export interface OcsfConnectionInfo {
  protocol_num?: number;
  protocol_name?: string;
  /** 0 Unknown, 1 Inbound, 2 Outbound, 3 Lateral, 99 Other. */
  direction_id?: number;
  direction?: string;
  tcp_flags?: number;
  boundary_id?: number;
}

export interface OcsfTraffic {
  bytes?: number;
  packets?: number;
  bytes_in?: number;
  bytes_out?: number;
}

export interface OcsfDnsQuery {
  hostname: string;
  type?: string;
  class?: string;
  opcode?: string;
}

export interface OcsfDnsAnswer {
  rdata: string;
  type?: string;
  class?: string;
  ttl?: number;
}

export interface OcsfMitreAttack {
  tactic?: { uid?: string; name?: string };
  technique?: { uid?: string; name?: string };
  sub_technique?: { uid?: string; name?: string };
  version?: string;
}

export interface OcsfFindingInfo {
  uid: string;
  title: string;
  desc?: string;
  types?: string[];
  created_time?: number;
  modified_time?: number;
  first_seen_time?: number;
  last_seen_time?: number;
  src_url?: string;
  product_uid?: string;
  attacks?: OcsfMitreAttack[];
  analytic?: { uid?: string; name?: string; type_id: number; type?: string };
}

export interface OcsfCompliance {
  standards: string[];
  control?: string;
  status?: string;
  /** 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other. */
  status_id?: number;
  status_detail?: string;
  requirements?: string[];
}

export interface OcsfResourceExt extends OcsfResource {
  region?: string;
  cloud_partition?: string;
  owner?: { account?: OcsfAccount };
  labels?: string[];
  data?: unknown;
}

export interface OcsfRegKey {
  path: string;
}

export interface OcsfRegValue {
  path: string;
  name?: string;
  data?: unknown;
  type?: string;
}

export interface OcsfHttpRequest {
  user_agent?: string;
  url?: { url_string?: string; hostname?: string; path?: string };
  http_method?: string;
  uid?: string;
}

export interface OcsfAuthenticationFields {
  user: OcsfUserExt;
  service?: { name?: string; uid?: string };
  logon_type_id?: number;
  logon_type?: string;
  auth_protocol_id?: number;
  auth_protocol?: string;
  is_mfa?: boolean;
  is_remote?: boolean;
  status_detail?: string;
  http_request?: OcsfHttpRequest;
}

/** The class-specific attributes a finding (2003/2004) carries. */
export interface OcsfFindingFields {
  finding_info: OcsfFindingInfo;
  confidence_score?: number;
  /** Finding status: 1 New, 2 In Progress, 3 Suppressed, 4 Resolved, 99 Other. */
  status_id?: number;
  resources?: OcsfResourceExt[];
  compliance?: OcsfCompliance;
  evidences?: Record<string, unknown>[];
}

export type OcsfDetectionFinding = OcsfEvent & OcsfFindingFields;
export type OcsfComplianceFinding = OcsfEvent & OcsfFindingFields & { compliance: OcsfCompliance };
export type OcsfAuthentication = OcsfEvent & OcsfAuthenticationFields;
export type OcsfNetworkActivity = OcsfEvent & { connection_info?: OcsfConnectionInfo; traffic?: OcsfTraffic };
export type OcsfDnsActivity = OcsfEvent & { query?: OcsfDnsQuery; answers?: OcsfDnsAnswer[]; rcode_id?: number; rcode?: string };
export type OcsfProcessActivity = OcsfEvent & { process: OcsfProcessExt; device?: OcsfDevice };
export type OcsfFileSystemActivity = OcsfEvent & { file: OcsfFile; device?: OcsfDevice };
