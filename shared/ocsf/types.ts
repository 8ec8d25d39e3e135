/**
 * The subset of the OCSF 1.x schema the pipeline produces and reads.
 * Field names follow the OCSF dictionary; every class carries the base
 * event attributes below. Source-specific fields that have no OCSF home
 * go to `unmapped`, and the untouched source record travels beside the
 * OCSF event in the telemetry envelope (see shared/telemetry.ts).
 */
export const OCSF_VERSION = '1.3.0';

export interface OcsfProduct {
  name: string;
  vendor_name: string;
  feature?: { name: string };
}

export interface OcsfMetadata {
  version: string;
  product: OcsfProduct;
  uid?: string;
  log_name?: string;
  original_time?: string;
  correlation_uid?: string;
}

export interface OcsfAccount {
  uid?: string;
  name?: string;
  type?: string;
}

export interface OcsfCloud {
  provider: string;
  region?: string;
  account?: OcsfAccount;
}

export interface OcsfUser {
  uid?: string;
  name?: string;
  type?: string;
  email_addr?: string;
  account?: OcsfAccount;
  credential_uid?: string;
}

export interface OcsfEndpoint {
  ip?: string;
  port?: number;
  hostname?: string;
  uid?: string;
  domain?: string;
  instance_uid?: string;
}

export interface OcsfActor {
  user?: OcsfUser;
  session?: { uid?: string; issuer?: string; is_mfa?: boolean; created_time?: number };
  invoked_by?: string;
  process?: OcsfProcess;
}

export interface OcsfProcess {
  pid?: number;
  name?: string;
  cmd_line?: string;
  uid?: string;
  file?: { name?: string; path?: string };
  parent_process?: OcsfProcess;
  user?: OcsfUser;
}

export interface OcsfApi {
  operation: string;
  service?: { name?: string };
  request?: { uid?: string };
  response?: { error?: string; message?: string };
}

export interface OcsfResource {
  uid?: string;
  name?: string;
  type?: string;
}

/** Base attributes shared by every OCSF event class. */
export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name?: string;
  type_uid: number;
  type_name?: string;
  severity_id: number;
  severity?: string;
  status_id?: number;
  status?: string;
  /** Event time, milliseconds since the epoch (OCSF `timestamp_t`). */
  time: number;
  message?: string;
  metadata: OcsfMetadata;
  cloud?: OcsfCloud;
  actor?: OcsfActor;
  api?: OcsfApi;
  src_endpoint?: OcsfEndpoint;
  dst_endpoint?: OcsfEndpoint;
  resources?: OcsfResource[];
  unmapped?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** OCSF severity ids (severity_id). */
export const OcsfSeverity = {
  Unknown: 0,
  Informational: 1,
  Low: 2,
  Medium: 3,
  High: 4,
  Critical: 5,
  Fatal: 6,
  Other: 99,
} as const;

/** type_uid is defined by OCSF as class_uid * 100 + activity_id. */
export function typeUid(classUid: number, activityId: number): number {
  return classUid * 100 + activityId;
}
