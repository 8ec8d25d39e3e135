/**
 * Rule files → rule documents. A file holds one or more YAML documents
 * (`---`); each is a detection rule, a correlation rule or a meta-filter.
 * Metadata is validated here; detection semantics are compiled elsewhere.
 * Unknown top-level keys are kept in `document`, never fatal.
 */
import { createHash } from 'node:crypto';
import type { LogSource } from '../../telemetry';
import { RuleLoadError, RuleUnsupportedError, type ParsedRuleFile, type SigmaLevel, type SigmaRuleMeta } from './types';

const LEVELS: SigmaLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** Metadata and document shared by every kind of Sigma document. */
export interface BaseDoc {
  meta: Omit<SigmaRuleMeta, 'logsource'> & { logsource: LogSource };
  /** `name` (used by correlations and filters to refer to rules). */
  name?: string;
  /** The whole parsed document, unknown keys included. */
  document: Record<string, unknown>;
  /** Position of the document in its file (0-based). */
  index: number;
}

export interface RuleDoc extends BaseDoc {
  kind: 'rule';
  detection: Record<string, unknown>;
  conditions: string[];
}

export interface CorrelationDoc extends BaseDoc {
  kind: 'correlation';
  correlation: Record<string, unknown>;
}

export interface FilterDoc extends BaseDoc {
  kind: 'filter';
  filter: Record<string, unknown>;
}

export type SigmaDoc = RuleDoc | CorrelationDoc | FilterDoc;

/** One document's parse outcome: a document or the error that stopped it. */
export type ParseResult = { doc: SigmaDoc } | { error: RuleLoadError };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Canonical JSON (sorted keys) so the version ignores formatting and key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (isMap(v)) {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'null';
}

export function contentVersion(doc: unknown): string {
  return createHash('sha256').update(canonical(doc)).digest('hex').slice(0, 16);
}

/** A rule value as an error message shows it: a map or list as its JSON (String() of a map can throw, and says nothing). */
export function shownValue(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function stringList(v: unknown, key: string, fail: (r: string) => never): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return fail(`'${key}' must be a list of strings`);
  const out: string[] = [];
  for (const x of v) {
    if (x === null || x === undefined) continue;
    // Numbers and booleans (YAML `- 2024`, `- yes`) read as their text; a map or list is no tag and has no text to read.
    if (typeof x === 'object') fail(`'${key}' must be a list of strings (an entry is a ${Array.isArray(x) ? 'list' : 'map'})`);
    out.push(typeof x === 'string' ? x : String(x));
  }
  return out;
}

function parseLogsource(v: unknown, fail: (r: string) => never): LogSource {
  if (!isMap(v)) return fail(`'logsource' must be a map`);
  const ls: LogSource = {};
  for (const k of ['product', 'service', 'category'] as const) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') fail(`logsource '${k}' must be a string`);
    ls[k] = x;
  }
  return ls;
}

/** Interprets every document of a file; one result per non-empty document. */
export function parseDocuments(file: ParsedRuleFile): ParseResult[] {
  const out: ParseResult[] = [];
  file.documents.forEach((d, index) => {
    if ('error' in d) {
      out.push({ error: d.error });
      return;
    }
    if (d.data === null || d.data === undefined) return;
    try {
      out.push({ doc: toSigmaDoc(file.path, d.data, index) });
    } catch (e) {
      if (e instanceof RuleLoadError) out.push({ error: e });
      else throw e;
    }
  });
  return out;
}

function toSigmaDoc(path: string, data: unknown, index: number): SigmaDoc {
  const idOf = isMap(data) && typeof data.id === 'string' ? data.id : undefined;
  const fail = (reason: string): never => {
    throw new RuleLoadError(path, idOf, reason);
  };
  if (!isMap(data)) return fail(`document ${index + 1} is not a map`);
  if (data.action !== undefined) {
    throw new RuleUnsupportedError(path, idOf, `rule collections with 'action: ${shownValue(data.action)}' are Sigma v1 and not supported`);
  }
  if (data.id !== undefined && typeof data.id !== 'string') fail(`'id' must be a string`);
  if (typeof data.title !== 'string' || !data.title.trim()) fail(`missing 'title'`);
  let level: SigmaLevel = 'medium';
  if (data.level !== undefined && data.level !== null) {
    if (typeof data.level !== 'string' || !LEVELS.includes(data.level.toLowerCase() as SigmaLevel)) {
      fail(`'level' must be one of ${LEVELS.join(', ')}`);
    }
    level = (data.level as string).toLowerCase() as SigmaLevel;
  }
  if (data.name !== undefined && typeof data.name !== 'string') fail(`'name' must be a string`);
  const version = contentVersion(data);
  const hasLogsource = data.logsource !== undefined && data.logsource !== null;
  const meta: BaseDoc['meta'] = {
    id: idOf ?? (data.name as string | undefined) ?? version,
    title: data.title as string,
    level,
    status: typeof data.status === 'string' ? data.status : undefined,
    description: typeof data.description === 'string' ? data.description : undefined,
    tags: stringList(data.tags, 'tags', fail),
    logsource: hasLogsource ? parseLogsource(data.logsource, fail) : {},
    falsepositives: stringList(data.falsepositives, 'falsepositives', fail),
    references: stringList(data.references, 'references', fail),
    version,
    file: path,
  };
  const base = { meta, name: data.name as string | undefined, document: data, index };
  if (data.correlation !== undefined) {
    if (!isMap(data.correlation)) fail(`'correlation' must be a map`);
    return { kind: 'correlation', ...base, correlation: data.correlation as Record<string, unknown> };
  }
  if (data.filter !== undefined && data.detection === undefined) {
    if (!isMap(data.filter)) fail(`'filter' must be a map`);
    return { kind: 'filter', ...base, filter: data.filter as Record<string, unknown> };
  }
  if (!hasLogsource) fail(`missing 'logsource'`);
  if (data.detection === undefined || data.detection === null) fail(`missing 'detection'`);
  if (!isMap(data.detection)) fail(`'detection' must be a map`);
  const detection = data.detection as Record<string, unknown>;
  const cond = detection.condition;
  let conditions: string[] = [];
  if (typeof cond === 'string') conditions = [cond];
  else if (Array.isArray(cond) && cond.length > 0 && cond.every((c) => typeof c === 'string')) conditions = cond as string[];
  else fail(`missing 'detection.condition'`);
  return { kind: 'rule', ...base, detection, conditions };
}
