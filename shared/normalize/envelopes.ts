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
import { parseAuditdLine, parseAuditdText } from './sources/linux';

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
  /** CloudWatch Logs log group the failing log event came from. */
  logGroup?: string;
  reason: string;
  /** Copy of the input that failed (text segment or the element itself). */
  input: unknown;
}

export interface Unwrapped {
  records: VendorRecord[];
  failures: EnvelopeFailure[];
  /**
   * Payloads that carry no records by design and were read and set aside
   * (CloudWatch Logs CONTROL_MESSAGE health checks), so an empty result is
   * not mistaken for an empty message.
   */
  skipped?: number;
}

/**
 * Where unwrapping puts what it finds, in input order. An Unwrapped (arrays)
 * is one; `mdr detect` passes one that handles each record as it is parsed,
 * so a large file's records are not all kept alive at once.
 */
export interface UnwrapSink {
  records: { push(record: VendorRecord): unknown };
  failures: { push(failure: EnvelopeFailure): unknown };
  skipped?: number;
}

/** What the deployment knows about a subscribed log group, for log events that do not say their format. */
export interface LogGroupHint {
  /** Field list of a custom VPC Flow Log format delivered to this log group (its lines have no header). */
  vpcFlowFields?: readonly string[];
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
  /** Hints by CloudWatch Logs log group name; `vpcFlowFields` above wins over a group's hint. */
  logGroups?: Readonly<Record<string, LogGroupHint>>;
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
  eachJsonDocument(text, options, (v) => values.push(v), failures);
  return { values, failures };
}

/** parseJsonDocuments one document at a time, in order: `emit` gets each value, `failures` each bad part. */
function eachJsonDocument(text: string, options: UnwrapOptions, emit: (v: Located) => void, failures: UnwrapSink['failures']): void {
  if (text.trim() === '') return;
  const max = options.maxRecordChars ?? DEFAULT_MAX;
  const accept = (v: Located) => {
    if (v.size > max && !isContainer(v.value)) failures.push({ line: v.line, offset: v.offset, reason: `record exceeds ${max} characters (${v.size})`, input: v.value });
    else emit(v);
  };
  // NDJSON: when the first line is a whole document and more follows, the body cannot be one document, so go line by
  // line from the second (trying the whole body first would parse the first record twice and throw a SyntaxError).
  const nl = text.indexOf('\n');
  if (nl !== -1 && !onlyJsonSpace(text, nl + 1)) {
    let first: unknown;
    let ok = false;
    try {
      first = JSON.parse(text.slice(0, nl));
      ok = true;
    } catch {
      // not a whole document on the first line: one document, or the scanner's case
    }
    if (ok) {
      accept({ value: first, line: 1, offset: 0, size: nl });
      eachJsonLine(text, nl + 1, 2, accept, failures);
      return;
    }
  }
  // Fast path: the whole body is one document (JSON.parse fails quickly on NDJSON, after the first line).
  try {
    accept({ value: JSON.parse(text), line: 1, offset: 0, size: text.length });
    return;
  } catch {
    // fall through to line / document splitting
  }
  eachJsonLine(text, 0, 1, accept, failures);
}

/** JSON's whitespace (space, tab, CR, LF) only, from `from` to the end. */
function onlyJsonSpace(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** NDJSON from `start` (the first character of line `startLine`): one JSON.parse per line; the scanner from the first line that is not a whole document. */
function eachJsonLine(text: string, start: number, startLine: number, accept: (v: Located) => void, failures: UnwrapSink['failures']): void {
  let pos = start;
  let line = startLine;
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
        scanDocuments(text, pos, line, accept, failures);
        break;
      }
      accept({ value: parsed, line, offset: pos, size: raw.length });
    }
    pos = end + 1;
    line++;
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
 * The one JSON string scanner, shared by the whole-text scanner
 * (scanDocuments) and the streaming RecordSplitter: where the string whose
 * contents start at `i` (just past its opening quote) stops. Returns the
 * index of its closing quote, or of the first raw newline inside it (never
 * valid JSON: the document is broken there; a newline right after a
 * backslash is taken as escaped, like any escaped character), or
 * `text.length` when the text ends first. `nl` is the index of the first
 * newline at or after `i`, or -1 when the text has none from there (see
 * nextNewline), so newlines are searched for once, not per string.
 * The contents are skipped with indexOf rather than character by character:
 * most of a log record's bytes are inside strings.
 */
function stringEnd(text: string, i: number, nl: number): number {
  for (;;) {
    const q = text.indexOf('"', i);
    const stop = q === -1 ? nl : nl === -1 ? q : Math.min(q, nl);
    if (stop === -1) return text.length;
    // An odd run of backslashes before the stop escapes it.
    let b = stop - 1;
    while (b >= 0 && text.charCodeAt(b) === BACKSLASH) b--;
    if ((stop - b) % 2 === 1) return stop;
    if (stop === nl) nl = text.indexOf('\n', nl + 1);
    i = stop + 1;
  }
}

/** `nl` kept current for stringEnd: the first newline at or after `i` (-1: none). */
function nextNewline(text: string, i: number, nl: number): number {
  return nl !== -1 && nl < i ? text.indexOf('\n', i) : nl;
}

/**
 * Finds document boundaries by bracket depth, outside strings. It resyncs on
 * two signs of a broken document so one bad record never swallows the rest:
 * a raw newline inside a string (never valid JSON), and a line that starts
 * with `{` or `[` in column 0 while a document is still open (pretty-printers
 * indent nested values).
 */
function scanDocuments(text: string, start: number, startLine: number, emit: (v: Located) => void, failures: UnwrapSink['failures']): void {
  const n = text.length;
  let nl = text.indexOf('\n', start);
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
    let status: 'complete' | 'broken' | 'eof' = 'eof';
    let j = i;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        nl = nextNewline(text, j + 1, nl);
        j = stringEnd(text, j + 1, nl);
        if (j >= n) break;
        if (text.charCodeAt(j) === NEWLINE) {
          status = 'broken';
          break;
        }
      } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
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
        emit({ value: JSON.parse(seg), line: segLine, offset: segStart, size: seg.length });
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
  return Array.isArray(v) || (isObj(v) && (isCloudTrailLogFile(v) || isCloudWatchLogsPayload(v) || isAwsLogsEvent(v) || isGraphCollection(v)));
}

/**
 * The event CloudWatch Logs hands a subscribed Lambda function,
 * `{"awslogs":{"data":"<base64 gzip>"}}`; the logs-ingest function forwards
 * it unchanged as one normalize-queue message.
 */
export function isAwsLogsEvent(v: VendorRecord): boolean {
  if (!isObj(v.awslogs)) return false;
  for (const k in v) if (k !== 'awslogs') return false;
  return true;
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
function collect(value: unknown, where: { line?: number; offset?: number }, out: UnwrapSink, options: UnwrapOptions): void {
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
  else if (isAwsLogsEvent(value)) {
    const data = (value.awslogs as VendorRecord).data;
    if (typeof data === 'string') appendTo(out, decodeCloudWatchLogsData(data, options));
    else out.failures.push({ ...where, reason: 'CloudWatch Logs event: awslogs.data is not a string', input: value });
  }
  else if (isGraphCollection(value)) collectElements(value.value as unknown[], where, out, 'value element');
  else out.records.push(value);
}

function collectElements(list: unknown[], where: { line?: number; offset?: number }, out: UnwrapSink, what: string): void {
  for (let k = 0; k < list.length; k++) {
    const el = list[k];
    if (isObj(el)) out.records.push(el);
    else out.failures.push({ ...where, index: k, reason: `${what} is not a JSON object`, input: el });
  }
}

function appendTo(out: UnwrapSink, more: Unwrapped): void {
  for (const r of more.records) out.records.push(r);
  for (const f of more.failures) out.failures.push(f);
  if (more.skipped) out.skipped = (out.skipped ?? 0) + more.skipped;
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
  unwrapTextInto(text, out, options);
  return out;
}

/** unwrapText into a sink: records and failures handed over in input order, as they are parsed. */
export function unwrapTextInto(text: string, out: UnwrapSink, options: UnwrapOptions = {}): void {
  const first = firstNonSpace(text);
  if (first === -1) return;
  const c = text.charCodeAt(first);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    parseTextLines(text, out, options);
    return;
  }
  eachJsonDocument(text, options, (v) => collect(v.value, { line: v.line, offset: v.offset }, out, options), out.failures);
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xfeff) return i;
  }
  return -1;
}

/** The reason an audit.log line parseAuditdText refuses is quarantined with (read in place or as a slice). */
const MALFORMED_AUDITD = 'malformed auditd line';

/** Line-oriented text formats: VPC Flow Logs (header optional) and auditd. */
function parseTextLines(text: string, out: UnwrapSink, options: UnwrapOptions): void {
  let fields: readonly string[] | undefined = options.vpcFlowFields;
  let pos = 0;
  let line = 1;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = n;
    if (text.startsWith('type=', pos)) {
      // An audit.log line (never a VPC Flow Log header: field names hold no '='), read in place in the body's flat text
      // (parseAuditdText), not as a slice: a sliced string costs three times as much to read character by character.
      const to = end > pos && text.charCodeAt(end - 1) === 13 /* \r */ ? end - 1 : end;
      const rec = parseAuditdText(text, pos, to);
      if (rec) out.records.push(rec);
      else out.failures.push({ line, offset: pos, reason: MALFORMED_AUDITD, input: text.slice(pos, to) });
      pos = end + 1;
      line++;
      continue;
    }
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
    return rec ? { record: rec } : { reason: MALFORMED_AUDITD };
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
 * parsed). Each log event's message is a JSON vendor record (CloudTrail,
 * Route 53 Resolver, journald, any JSON application log: the recognizers
 * tell them apart by content), or a VPC Flow Log / auditd text line; a
 * custom-format flow log line is read with its log group's field list
 * (`options.logGroups`). CONTROL_MESSAGE payloads (CloudWatch Logs checking
 * the destination) carry no records and count as skipped.
 */
export function unwrapCloudWatchLogs(payload: unknown, options: UnwrapOptions = {}): Unwrapped {
  const out: Unwrapped = { records: [], failures: [] };
  if (!isObj(payload) || !Array.isArray(payload.logEvents)) {
    out.failures.push({ reason: 'not a CloudWatch Logs subscription payload (no logEvents)', input: payload });
    return out;
  }
  if (payload.messageType === 'CONTROL_MESSAGE') {
    out.skipped = 1;
    return out;
  }
  const logGroup = typeof payload.logGroup === 'string' ? payload.logGroup : undefined;
  if (payload.messageType !== 'DATA_MESSAGE') {
    out.failures.push({ logGroup, reason: `CloudWatch Logs payload: messageType ${JSON.stringify(payload.messageType)} is not DATA_MESSAGE or CONTROL_MESSAGE`, input: payload });
    return out;
  }
  const fields = options.vpcFlowFields ?? (logGroup !== undefined && Object.hasOwn(options.logGroups ?? {}, logGroup) ? options.logGroups?.[logGroup]?.vpcFlowFields : undefined);
  const events = payload.logEvents;
  const max = options.maxRecordChars ?? DEFAULT_MAX;
  for (let k = 0; k < events.length; k++) {
    const ev = events[k];
    const id = isObj(ev) && typeof ev.id === 'string' ? ev.id : undefined;
    if (!isObj(ev) || typeof ev.message !== 'string') {
      out.failures.push({ index: k, logEventId: id, logGroup, reason: 'log event has no string message', input: ev });
      continue;
    }
    const msg = ev.message;
    if (msg.length > max) {
      out.failures.push({ index: k, logEventId: id, logGroup, reason: `record exceeds ${max} characters (${msg.length})`, input: ev });
      continue;
    }
    const f = firstNonSpace(msg);
    if (f !== -1 && msg.charCodeAt(f) === OPEN_BRACE) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(msg);
      } catch (e) {
        out.failures.push({ index: k, logEventId: id, logGroup, reason: `malformed JSON: ${errMsg(e)}`, input: ev });
        continue;
      }
      if (isObj(parsed)) out.records.push(parsed);
      else out.failures.push({ index: k, logEventId: id, logGroup, reason: 'message is not a JSON object', input: ev });
      continue;
    }
    const r = parseTextLine(msg.trimEnd(), fields, false);
    if (r.record) out.records.push(r.record);
    else out.failures.push({ index: k, logEventId: id, logGroup, reason: r.reason ?? 'unrecognized log event', input: ev });
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

// ---------------------------------------------------------------- streaming

type SplitMode = 'detect' | 'docs' | 'array' | 'records' | 'text';

/** Modes a RecordSplitter can resume in from a byte offset. */
export type ResumableMode = 'docs' | 'text';

export interface SplitterCheckpoint {
  /** Text fed but not consumed (an unfinished record). */
  pending: string;
  /** Line the pending text starts at. */
  line: number;
  mode: ResumableMode;
  /** Field list from the flow log header, which the rest of the file does not repeat. */
  vpcFlowFields?: string[];
}

const STRING_CLOSED = 0;
const STRING_BROKEN = 1;
const STRING_MORE = 2;

const RECORDS_HEAD = /^\{\s*"Records"\s*:\s*\[/;

/**
 * Incremental form of unwrapText for large objects (an S3 log file streamed
 * through gunzip): feed decoded text chunks with push(), call end() once.
 * Each call returns the records completed so far and the failures found, so
 * memory stays bounded by the largest single record, not the file. Handles
 * the same shapes as unwrapText: a CloudTrail log file's `Records` array is
 * emitted element by element, a top-level JSON array likewise, NDJSON and
 * concatenated documents document by document, and VPC Flow Log / auditd
 * text line by line. Chunks must be whole characters (decode with
 * StringDecoder or TextDecoder in streaming mode).
 */
export class RecordSplitter {
  private buf = '';
  private pos = 0;
  private dropped = 0;
  private line = 1;
  private mode: SplitMode = 'detect';
  private depth = 0;
  private inStr = false;
  private segStart = -1;
  private segLine = 1;
  private skipping = false;
  private scalar = false;
  private index = 0;
  private elemDepth = 0;
  private fields: readonly string[] | undefined;
  private textLine = 0;
  private readonly max: number;

  /**
   * `resume`: the text is the rest of a file read from a checkpoint()'s
   * byte offset: it starts at `line` and is read in `mode`, so positions in
   * failures stay those of the whole file and the text is read as before.
   */
  constructor(
    private readonly options: UnwrapOptions = {},
    resume?: { line: number; mode: ResumableMode },
  ) {
    this.max = options.maxRecordChars ?? DEFAULT_MAX;
    this.fields = options.vpcFlowFields;
    if (resume) {
      this.line = resume.line;
      this.mode = resume.mode;
      this.textLine = resume.line - 1;
    }
  }

  /**
   * Where a reader could start again from the text not yet consumed, for
   * line- and document-oriented text (NDJSON, concatenated documents, flow
   * log / auditd lines): the text still buffered (an unfinished record; its
   * byte length subtracted from the bytes fed gives the byte offset), the
   * line it starts at and the flow log field list read from the header.
   * Undefined inside a JSON array or a CloudTrail `Records` array (resuming
   * there needs the enclosing structure) and while an oversized record is
   * being skipped.
   */
  checkpoint(): SplitterCheckpoint | undefined {
    if (this.skipping || (this.mode !== 'docs' && this.mode !== 'text')) return undefined;
    const line = this.mode === 'docs' && this.segStart >= 0 ? this.segLine : this.line;
    return {
      pending: this.buf.slice(this.segStart >= 0 ? this.segStart : this.pos),
      line,
      mode: this.mode,
      ...(this.fields ? { vpcFlowFields: [...this.fields] } : {}),
    };
  }

  push(chunk: string): Unwrapped {
    this.buf += chunk;
    return this.drain(false);
  }

  end(): Unwrapped {
    return this.drain(true);
  }

  private drain(final: boolean): Unwrapped {
    const out: Unwrapped = { records: [], failures: [] };
    for (;;) {
      if (this.mode === 'detect' && !this.detect(final)) break;
      if (this.mode === 'text') this.scanText(out, final);
      else if (this.mode === 'docs') this.scanDocs(out, final);
      else this.scanElements(out, final);
      // Loop only when a container just closed (mode back to detect): look at what follows.
      if (this.mode !== 'detect') break;
    }
    if (final) this.finish(out);
    this.compact();
    return out;
  }

  /** Chooses the mode from the first significant character; false when more input is needed. */
  private detect(final: boolean): boolean {
    const buf = this.buf;
    let p = this.pos;
    while (p < buf.length) {
      const c = buf.charCodeAt(p);
      if (c === NEWLINE) this.line++;
      else if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) break;
      p++;
    }
    this.pos = p;
    if (p >= buf.length) return false;
    const c = buf.charCodeAt(p);
    if (c === OPEN_BRACKET) {
      this.mode = 'array';
      this.elemDepth = 1;
      this.depth = 1;
      this.index = 0;
      this.pos = p + 1;
      return true;
    }
    if (c === OPEN_BRACE) {
      const head = buf.slice(p, p + 64);
      const m = RECORDS_HEAD.exec(head);
      if (m) {
        this.mode = 'records';
        this.elemDepth = 2;
        this.depth = 2;
        this.index = 0;
        for (let i = p; i < p + m[0].length; i++) if (buf.charCodeAt(i) === NEWLINE) this.line++;
        this.pos = p + m[0].length;
        return true;
      }
      // Not enough text yet to tell a log file from a plain document.
      if (head.length < 64 && !final && /^\{\s*("(R(e(c(o(r(d(s("\s*(:\s*)?)?)?)?)?)?)?)?)?)?$/.test(head)) return false;
      this.mode = 'docs';
      this.depth = 0;
      return true;
    }
    this.mode = 'text';
    this.textLine = this.line - 1;
    return true;
  }

  private fail(out: Unwrapped, reason: string, input: unknown, extra: Partial<EnvelopeFailure> = {}): void {
    out.failures.push({ line: this.segLine, offset: this.dropped + (this.segStart >= 0 ? this.segStart : this.pos), ...extra, reason, input });
  }

  private scanText(out: Unwrapped, final: boolean): void {
    const buf = this.buf;
    for (;;) {
      let end = buf.indexOf('\n', this.pos);
      if (end === -1) {
        if (!final && buf.length - this.pos > this.max && !this.skipping) {
          // A "line" longer than any record: report it and drop text until its end.
          out.failures.push({ line: this.textLine + 1, offset: this.dropped + this.pos, reason: `record exceeds ${this.max} characters`, input: buf.slice(this.pos, this.pos + 1024) });
          this.skipping = true;
        }
        if (this.skipping && !final) {
          this.pos = buf.length;
          return;
        }
        if (!final || this.pos >= buf.length) return;
        end = buf.length;
      }
      let l = buf.slice(this.pos, end);
      if (l.endsWith('\r')) l = l.slice(0, -1);
      this.textLine++;
      if (this.skipping) {
        this.skipping = false;
        l = '';
      }
      if (l.trim() !== '') {
        const r = l.length > this.max ? { reason: `record exceeds ${this.max} characters (${l.length})` } : parseTextLine(l, this.fields, this.textLine === 1);
        if ('header' in r && r.header) this.fields = r.header;
        else if ('record' in r && r.record) out.records.push(r.record);
        else out.failures.push({ line: this.textLine, offset: this.dropped + this.pos, reason: r.reason ?? 'unrecognized text line', input: l.length > this.max ? l.slice(0, 1024) : l });
      }
      this.pos = Math.min(end + 1, buf.length);
      this.line = this.textLine + 1;
      if (end >= buf.length) return;
    }
  }

  /** Top-level documents (NDJSON, concatenated, pretty-printed), with the same resync rules as scanDocuments. */
  private scanDocs(out: Unwrapped, final: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    let nl = -2;
    while (this.pos < n) {
      const c = buf.charCodeAt(this.pos);
      if (this.segStart < 0) {
        if (c === NEWLINE) {
          this.line++;
          this.pos++;
          continue;
        }
        if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
          this.pos++;
          continue;
        }
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
          let end = buf.indexOf('\n', this.pos);
          if (end === -1) {
            if (!final) return;
            end = n;
          }
          this.segLine = this.line;
          this.fail(out, 'unexpected text outside a JSON document', buf.slice(this.pos, end));
          this.pos = end;
          continue;
        }
        // NDJSON fast path: a whole line that parses is one document; anything else goes to the scanner.
        const nl = buf.indexOf('\n', this.pos);
        if (nl !== -1 && nl - this.pos <= this.max) {
          let v: unknown;
          let ok = true;
          try {
            v = JSON.parse(buf.slice(this.pos, nl));
          } catch {
            ok = false;
          }
          if (ok) {
            collect(v, { line: this.line, offset: this.dropped + this.pos }, out, this.options);
            this.pos = nl;
            continue;
          }
        }
        this.segStart = this.pos;
        this.segLine = this.line;
        this.depth = 0;
        this.inStr = false;
      }
      // Inside a document.
      if (this.inStr) {
        nl = nextNewline(buf, this.pos, nl);
        const r = this.readString(out, nl, final);
        if (r === STRING_MORE) return;
        if (r === STRING_BROKEN) this.endDoc(out, 'truncated or malformed JSON document');
        continue;
      }
      if (c === QUOTE) this.inStr = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.pos++;
          this.endDoc(out);
          continue;
        }
      } else if (c === NEWLINE) {
        if (this.pos + 1 >= n && !final) return;
        const next = buf.charCodeAt(this.pos + 1);
        if (next === OPEN_BRACE || next === OPEN_BRACKET) {
          this.endDoc(out, 'truncated or malformed JSON document');
          continue;
        }
        this.line++;
      }
      this.pos++;
      this.checkSize(out);
    }
  }

  /**
   * Moves pos through the string being read (stringEnd): past its closing
   * quote (STRING_CLOSED), onto a raw newline inside it (STRING_BROKEN), or
   * to the end of the buffer (STRING_MORE; an unfinished escape is kept for
   * the next chunk). The record's size is checked on the way.
   */
  private readString(out: Unwrapped, nl: number, final: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    const e = stringEnd(buf, this.pos, nl);
    if (e >= n) {
      let b = n - 1;
      while (b >= this.pos && buf.charCodeAt(b) === BACKSLASH) b--;
      this.pos = !final && (n - 1 - b) % 2 === 1 ? n - 1 : n;
      this.checkSize(out);
      return STRING_MORE;
    }
    if (buf.charCodeAt(e) === NEWLINE) {
      this.pos = e;
      this.checkSize(out);
      return STRING_BROKEN;
    }
    this.inStr = false;
    this.pos = e + 1;
    this.checkSize(out);
    return STRING_CLOSED;
  }

  private endDoc(out: Unwrapped, broken?: string): void {
    const seg = this.skipping ? '' : this.buf.slice(this.segStart, this.pos);
    if (broken) {
      if (!this.skipping) this.fail(out, broken, seg);
    } else if (!this.skipping) {
      let v: unknown;
      let ok = true;
      try {
        v = JSON.parse(seg);
      } catch (e) {
        ok = false;
        this.fail(out, `malformed JSON: ${errMsg(e)}`, seg);
      }
      if (ok) collect(v, { line: this.segLine, offset: this.dropped + this.segStart }, out, this.options);
    }
    this.segStart = -1;
    this.skipping = false;
    this.inStr = false;
    this.depth = 0;
  }

  /** An oversized record is reported once, then skipped without buffering it. */
  private checkSize(out: Unwrapped): void {
    if (this.segStart >= 0 && !this.skipping && this.pos - this.segStart > this.max) {
      this.fail(out, `record exceeds ${this.max} characters`, this.buf.slice(this.segStart, this.segStart + 1024));
      this.skipping = true;
    }
  }

  /** Elements of a top-level array or of a CloudTrail log file's Records array. */
  private scanElements(out: Unwrapped, final: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    let nl = -2;
    const ed = this.elemDepth;
    while (this.pos < n) {
      const c = buf.charCodeAt(this.pos);
      if (this.segStart < 0) {
        if (c === NEWLINE) this.line++;
        else if (c === 32 || c === 9 || c === 13 || c === 44 /* , */) {
          // between elements
        } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
          this.depth--;
          if (this.depth === 0) {
            // The container closed; whatever follows is judged afresh.
            this.pos++;
            this.mode = 'detect';
            return;
          }
        } else {
          this.segStart = this.pos;
          this.segLine = this.line;
          this.inStr = false;
          this.scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET;
          if (this.scalar) {
            if (c === QUOTE) this.inStr = true;
          } else this.depth++;
        }
        this.pos++;
        continue;
      }
      if (this.inStr) {
        nl = nextNewline(buf, this.pos, nl);
        const r = this.readString(out, nl, final);
        if (r === STRING_MORE) return;
        if (r === STRING_BROKEN) {
          // Raw newline in a string: the element is broken; resync at the next line.
          this.endElement(out, 'truncated or malformed JSON document');
          this.depth = ed;
        }
        continue;
      }
      if (c === QUOTE) this.inStr = true;
      else if (this.scalar) {
        if (c === 44 || c === CLOSE_BRACKET || c === CLOSE_BRACE || c === NEWLINE) {
          this.endElement(out);
          continue;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === ed) {
          this.pos++;
          this.endElement(out);
          continue;
        }
      } else if (c === NEWLINE) this.line++;
      this.pos++;
      this.checkSize(out);
    }
  }

  private endElement(out: Unwrapped, broken?: string): void {
    const what = this.mode === 'records' ? 'Records element' : 'array element';
    const seg = this.skipping ? '' : this.buf.slice(this.segStart, this.pos);
    const where = { index: this.index };
    if (this.skipping) {
      // already reported
    } else if (broken) {
      this.fail(out, broken, seg, where);
    } else if (this.scalar) {
      let v: unknown = seg.trim();
      try {
        v = JSON.parse(seg);
      } catch {
        // keep the text
      }
      this.fail(out, `${what} is not a JSON object`, v, where);
    } else {
      try {
        const v: unknown = JSON.parse(seg);
        if (isObj(v)) out.records.push(v);
        else this.fail(out, `${what} is not a JSON object`, v, where);
      } catch (e) {
        this.fail(out, `malformed JSON: ${errMsg(e)}`, seg, where);
      }
    }
    this.index++;
    this.segStart = -1;
    this.skipping = false;
    this.scalar = false;
    this.inStr = false;
  }

  private finish(out: Unwrapped): void {
    if (this.segStart >= 0) {
      const seg = this.skipping ? '' : this.buf.slice(this.segStart);
      if (!this.skipping) {
        const extra = this.mode === 'array' || this.mode === 'records' ? { index: this.index } : {};
        this.fail(out, 'truncated JSON document (unexpected end of input)', seg, extra);
      }
      this.segStart = -1;
    } else if ((this.mode === 'array' || this.mode === 'records') && this.depth > 0) {
      this.segLine = this.line;
      this.fail(out, `truncated JSON document: ${this.mode === 'records' ? 'Records array' : 'array'} not closed after ${this.index} elements`, '');
    }
    this.pos = this.buf.length;
  }

  /** Drops consumed text so the buffer holds only the record in progress. */
  private compact(): void {
    const cut = this.segStart >= 0 && !this.skipping ? this.segStart : this.pos;
    if (cut === 0) return;
    this.buf = this.buf.slice(cut);
    this.pos -= cut;
    if (this.segStart >= 0) this.segStart = this.skipping ? 0 : this.segStart - cut;
    this.dropped += cut;
  }
}
