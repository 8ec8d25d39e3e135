/**
 * Pure unwrapping of transport payloads into vendor records, ahead of
 * normalizeRecord(). Handles text bodies (one JSON document, a JSON array,
 * NDJSON, concatenated or pretty-printed documents, VPC Flow Log and auditd
 * text), CloudTrail log files (`{"Records":[…]}`), CloudWatch Logs
 * subscription payloads and Microsoft Graph collections (`{"value":[…]}`).
 *
 * Nothing here throws for bad input: each part that cannot be parsed is
 * reported as a failure with its position, the reason and a copy of the
 * input, and the rest of the payload goes on. S3, gzip-streaming and base64
 * transport I/O belong to the AWS adapters; decodeCloudWatchLogsData is the
 * one pure decoding step kept here because it is a fixed format.
 */
import { gunzipSync } from 'node:zlib';
import { isVpcFlowHeader, looksLikeVpcFlowLine, parseVpcFlowLine, parseVpcFlowHeader, DEFAULT_VPC_FLOW_FIELDS } from './sources/vpcflow';
import { parseAuditdLine } from './sources/linux';

export type VendorRecord = Record<string, unknown>;

export interface EnvelopeFailure {
  /** 1-based line of the text where the bad input starts (text bodies). */
  line?: number;
  /** 0-based character offset of the bad input in the text (text bodies). */
  offset?: number;
  /** Index of the bad element in its array (JSON arrays, Records, logEvents, value). */
  index?: number;
  /** CloudWatch Logs log event id, when the failure is one log event. */
  logEventId?: string;
  reason: string;
  /** Copy of the input that failed (text segment or the element itself). */
  input: unknown;
}

export interface Unwrapped {
  records: VendorRecord[];
  failures: EnvelopeFailure[];
}

export interface UnwrapOptions {
  /**
   * Longest single JSON document accepted, in characters; longer ones are
   * reported as oversized rather than parsed. Containers (a CloudTrail log
   * file, an array body) are exempt: their limit is per element. Default 1 MiB.
   */
  maxRecordChars?: number;
  /** Field list of a custom VPC Flow Log format, for text without a header line (CloudWatch Logs). */
  vpcFlowFields?: readonly string[];
}

const DEFAULT_MAX = 1024 * 1024;

function isObj(v: unknown): v is VendorRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errMsg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Located {
  value: unknown;
  line?: number;
  offset?: number;
  size: number;
}

// ---------------------------------------------------------------- JSON text

/**
 * Splits a text into JSON documents: one document, NDJSON, or documents
 * concatenated with or without whitespace (pretty-printed included).
 */
export function parseJsonDocuments(text: string, options: UnwrapOptions = {}): { values: Located[]; failures: EnvelopeFailure[] } {
  const values: Located[] = [];
  const failures: EnvelopeFailure[] = [];
  if (text.trim() === '') return { values, failures };
  // Fast path: the whole body is one document (JSON.parse fails quickly on NDJSON, after the first line).
  try {
    values.push({ value: JSON.parse(text), line: 1, offset: 0, size: text.length });
    enforceMax(values, failures, options.maxRecordChars ?? DEFAULT_MAX);
    return { values, failures };
  } catch {
    // fall through to line / document splitting
  }
  // NDJSON fast path: one JSON.parse per line; switch to the scanner at the first line that is not a whole document.
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    const raw = text.slice(pos, end);
    if (raw.trim() !== '') {
      let parsed: unknown;
      let ok = false;
      try {
        parsed = JSON.parse(raw);
        ok = true;
      } catch {
        ok = false;
      }
      if (!ok) {
        scanDocuments(text, pos, line, values, failures);
        break;
      }
      values.push({ value: parsed, line, offset: pos, size: raw.length });
    }
    pos = end + 1;
    line++;
  }
  enforceMax(values, failures, options.maxRecordChars ?? DEFAULT_MAX);
  return { values, failures };
}

function enforceMax(values: Located[], failures: EnvelopeFailure[], max: number): void {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v.size > max && !isContainer(v.value)) {
      failures.push({ line: v.line, offset: v.offset, reason: `record exceeds ${max} characters (${v.size})`, input: v.value });
      values.splice(i, 1);
    }
  }
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;

/**
 * Finds document boundaries by bracket depth, outside strings. It resyncs on
 * two signs of a broken document so one bad record never swallows the rest:
 * a raw newline inside a string (never valid JSON), and a line that starts
 * with `{` or `[` in column 0 while a document is still open (pretty-printers
 * indent nested values).
 */
function scanDocuments(text: string, start: number, startLine: number, values: Located[], failures: EnvelopeFailure[]): void {
  const n = text.length;
  let i = start;
  let line = startLine;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      let end = text.indexOf('\n', i);
      if (end === -1) end = n;
      failures.push({ line, offset: i, reason: 'unexpected text outside a JSON document', input: text.slice(i, end) });
      i = end;
      continue;
    }
    const segStart = i;
    const segLine = line;
    let depth = 0;
    let inStr = false;
    let status: 'complete' | 'broken' | 'eof' = 'eof';
    let j = i;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (inStr) {
        if (d === BACKSLASH) j++;
        else if (d === QUOTE) inStr = false;
        else if (d === NEWLINE) {
          status = 'broken';
          break;
        }
      } else if (d === QUOTE) inStr = true;
      else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          j++;
          status = 'complete';
          break;
        }
      } else if (d === NEWLINE) {
        const next = text.charCodeAt(j + 1);
        if (next === OPEN_BRACE || next === OPEN_BRACKET) {
          status = 'broken';
          break;
        }
        line++;
      }
    }
    const seg = text.slice(segStart, j);
    if (status === 'complete') {
      try {
        values.push({ value: JSON.parse(seg), line: segLine, offset: segStart, size: seg.length });
      } catch (e) {
        failures.push({ line: segLine, offset: segStart, reason: `malformed JSON: ${errMsg(e)}`, input: seg });
      }
    } else {
      failures.push({
        line: segLine,
        offset: segStart,
        reason: status === 'eof' ? 'truncated JSON document (unexpected end of input)' : 'truncated or malformed JSON document',
        input: seg,
      });
    }
    i = j;
  }
}

// ---------------------------------------------------------------- containers

function isContainer(v: unknown): boolean {
  return Array.isArray(v) || (isObj(v) && (isCloudTrailLogFile(v) || isCloudWatchLogsPayload(v) || isGraphCollection(v)));
}

/** `{"Records":[…]}` as CloudTrail writes its log files (and nothing else at top level). */
function isCloudTrailLogFile(v: VendorRecord): boolean {
  if (!Array.isArray(v.Records)) return false;
  for (const k in v) if (k !== 'Records') return false;
  return true;
}

function isCloudWatchLogsPayload(v: VendorRecord): boolean {
  return typeof v.messageType === 'string' && typeof v.logGroup === 'string' && Array.isArray(v.logEvents);
}

/** A Microsoft Graph list response, e.g. GET /security/alerts_v2. */
function isGraphCollection(v: VendorRecord): boolean {
  return Array.isArray(v.value) && typeof v['@odata.context'] === 'string';
}

/** Adds the vendor records an already-parsed value holds. */
function collect(value: unknown, where: { line?: number; offset?: number }, out: Unwrapped, options: UnwrapOptions): void {
  if (Array.isArray(value)) {
    collectElements(value, where, out, 'array element');
    return;
  }
  if (!isObj(value)) {
    out.failures.push({ ...where, reason: `not a JSON object (got ${value === null ? 'null' : typeof value})`, input: value });
    return;
  }
  if (isCloudTrailLogFile(value)) collectElements(value.Records as unknown[], where, out, 'Records element');
  else if (isCloudWatchLogsPayload(value)) appendTo(out, unwrapCloudWatchLogs(value, options));
  else if (isGraphCollection(value)) collectElements(value.value as unknown[], where, out, 'value element');
  else out.records.push(value);
}

function collectElements(list: unknown[], where: { line?: number; offset?: number }, out: Unwrapped, what: string): void {
  for (let k = 0; k < list.length; k++) {
    const el = list[k];
    if (isObj(el)) out.records.push(el);
    else out.failures.push({ ...where, index: k, reason: `${what} is not a JSON object`, input: el });
  }
}

function appendTo(out: Unwrapped, more: Unwrapped): void {
  for (const r of more.records) out.records.push(r);
  for (const f of more.failures) out.failures.push(f);
}

/** Vendor records held by an already-parsed payload (e.g. an SQS body parsed elsewhere). */
export function unwrapValue(value: unknown, options: UnwrapOptions = {}): Unwrapped {
  const out: Unwrapped = { records: [], failures: [] };
  collect(value, {}, out, options);
  return out;
}

// ---------------------------------------------------------------- text bodies

/**
 * Vendor records in a text body (SQS message, S3 object already decompressed,
 * CLI input): JSON in any of the shapes above, or VPC Flow Log / auditd text.
 */
export function unwrapText(text: string, options: UnwrapOptions = {}): Unwrapped {
  const out: Unwrapped = { records: [], failures: [] };
  const first = firstNonSpace(text);
  if (first === -1) return out;
  const c = text.charCodeAt(first);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    parseTextLines(text, out, options);
    return out;
  }
  const { values, failures } = parseJsonDocuments(text, options);
  for (const f of failures) out.failures.push(f);
  for (const v of values) collect(v.value, { line: v.line, offset: v.offset }, out, options);
  return out;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

/** Line-oriented text formats: VPC Flow Logs (header optional) and auditd. */
function parseTextLines(text: string, out: Unwrapped, options: UnwrapOptions): void {
  let fields: readonly string[] | undefined = options.vpcFlowFields;
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    let l = text.slice(pos, end);
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if (l.trim() !== '') {
      const r = parseTextLine(l, fields, line === 1);
      if (r.header) fields = r.header;
      else if (r.record) out.records.push(r.record);
      else out.failures.push({ line, offset: pos, reason: r.reason ?? 'unrecognized text line', input: l });
    }
    pos = end + 1;
    line++;
  }
}

interface LineResult {
  record?: VendorRecord;
  header?: string[];
  reason?: string;
}

function parseTextLine(l: string, fields: readonly string[] | undefined, firstLine: boolean): LineResult {
  if (firstLine && isVpcFlowHeader(l)) return { header: parseVpcFlowHeader(l) };
  if (l.startsWith('type=')) {
    const rec = parseAuditdLine(l);
    return rec ? { record: rec } : { reason: 'malformed auditd line' };
  }
  if (fields || looksLikeVpcFlowLine(l)) {
    const rec = parseVpcFlowLine(l, fields ?? DEFAULT_VPC_FLOW_FIELDS);
    return rec ? { record: rec } : { reason: `VPC Flow Log line does not have ${(fields ?? DEFAULT_VPC_FLOW_FIELDS).length} fields` };
  }
  return { reason: 'not JSON and not a known text log format' };
}

// ---------------------------------------------------------------- CloudWatch Logs

/**
 * Records in a CloudWatch Logs subscription payload (already gunzipped and
 * parsed). Each log event's message is a JSON vendor record, or a VPC Flow
 * Log / auditd text line. CONTROL_MESSAGE payloads carry no records.
 */
export function unwrapCloudWatchLogs(payload: unknown, options: UnwrapOptions = {}): Unwrapped {
  const out: Unwrapped = { records: [], failures: [] };
  if (!isObj(payload) || !Array.isArray(payload.logEvents)) {
    out.failures.push({ reason: 'not a CloudWatch Logs subscription payload (no logEvents)', input: payload });
    return out;
  }
  if (payload.messageType === 'CONTROL_MESSAGE') return out;
  const events = payload.logEvents;
  const max = options.maxRecordChars ?? DEFAULT_MAX;
  for (let k = 0; k < events.length; k++) {
    const ev = events[k];
    const id = isObj(ev) && typeof ev.id === 'string' ? ev.id : undefined;
    if (!isObj(ev) || typeof ev.message !== 'string') {
      out.failures.push({ index: k, logEventId: id, reason: 'log event has no string message', input: ev });
      continue;
    }
    const msg = ev.message;
    if (msg.length > max) {
      out.failures.push({ index: k, logEventId: id, reason: `record exceeds ${max} characters (${msg.length})`, input: ev });
      continue;
    }
    const f = firstNonSpace(msg);
    if (f !== -1 && msg.charCodeAt(f) === OPEN_BRACE) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(msg);
      } catch (e) {
        out.failures.push({ index: k, logEventId: id, reason: `malformed JSON: ${errMsg(e)}`, input: ev });
        continue;
      }
      if (isObj(parsed)) out.records.push(parsed);
      else out.failures.push({ index: k, logEventId: id, reason: 'message is not a JSON object', input: ev });
      continue;
    }
    const r = parseTextLine(msg.trimEnd(), options.vpcFlowFields, false);
    if (r.record) out.records.push(r.record);
    else out.failures.push({ index: k, logEventId: id, reason: r.reason ?? 'unrecognized log event', input: ev });
  }
  return out;
}

/** Decodes the `awslogs.data` field (base64 of gzip of JSON) and unwraps it. */
export function decodeCloudWatchLogsData(base64: string, options: UnwrapOptions = {}): Unwrapped {
  let json: string;
  try {
    json = gunzipSync(Buffer.from(base64, 'base64')).toString('utf8');
  } catch (e) {
    return { records: [], failures: [{ reason: `CloudWatch Logs data is not base64 gzip: ${errMsg(e)}`, input: base64 }] };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (e) {
    return { records: [], failures: [{ reason: `CloudWatch Logs data is not JSON: ${errMsg(e)}`, input: json }] };
  }
  return unwrapCloudWatchLogs(payload, options);
}
