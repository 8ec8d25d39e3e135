import type { ContextSourceConfig, IntelRef } from '../aws/context-source';
import { parseS3Uri } from '../aws/context-source';
import { ContextError, parseContextDocument } from '../investigation/context';
import { parseThreatIntel, ThreatIntelError } from '../investigation/threat-intel';
import { ConfigError } from './customer-config';

/**
 * Context for investigations (config `investigation`): the customer's context
 * document and threat-intel lists, inline or as `s3://` objects re-read
 * without a redeploy, and the customer's runbook steps by rule id or tag.
 */
export interface InvestigationConfig {
  readonly source: ContextSourceConfig;
  /** S3 objects the enrich stage reads (for its grant). */
  readonly objects: readonly { readonly bucket: string; readonly key: string }[];
  readonly runbooks: Readonly<Record<string, readonly string[]>>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function s3(uri: unknown, field: string): { bucket: string; key: string } {
  if (typeof uri !== 'string') throw new ConfigError(field, 'must be an s3://bucket/key URI');
  try {
    return parseS3Uri(uri);
  } catch {
    throw new ConfigError(field, 'must be an s3://bucket/key URI');
  }
}

function parseRunbooks(v: unknown): Record<string, string[]> {
  if (v === undefined) return {};
  if (!isObj(v)) throw new ConfigError('investigation.runbooks', 'must map a rule id or tag to a list of steps');
  const out: Record<string, string[]> = {};
  for (const [k, steps] of Object.entries(v)) {
    if (!Array.isArray(steps) || !steps.length || steps.some((s) => typeof s !== 'string' || s === '' || s.length > 500)) {
      throw new ConfigError(`investigation.runbooks.${k}`, 'must be a non-empty list of steps (strings up to 500 characters)');
    }
    out[k] = steps as string[];
  }
  return out;
}

export function parseInvestigation(input: unknown): InvestigationConfig {
  if (input === undefined) return { source: {}, objects: [], runbooks: {} };
  if (!isObj(input)) throw new ConfigError('investigation', 'must be an object');
  const objects: { bucket: string; key: string }[] = [];
  const source: ContextSourceConfig = {};
  if (typeof input.context === 'string') {
    objects.push(s3(input.context, 'investigation.context'));
    source.context = { uri: input.context };
  } else if (input.context !== undefined) {
    try {
      parseContextDocument(input.context);
    } catch (e) {
      if (e instanceof ContextError) throw new ConfigError(`investigation.context.${e.field}`, e.reason);
      throw e;
    }
    source.context = { inline: input.context };
  }
  if (input.intel !== undefined) {
    if (!Array.isArray(input.intel)) throw new ConfigError('investigation.intel', 'must be a list of {name, uri} or {name, entries}');
    source.intel = input.intel.map((ref: unknown, i): IntelRef => {
      const field = `investigation.intel[${i}]`;
      if (!isObj(ref) || typeof ref.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(ref.name)) {
        throw new ConfigError(`${field}.name`, 'must be a list name of 1-64 letters, digits, _ . -');
      }
      if (ref.uri !== undefined) {
        objects.push(s3(ref.uri, `${field}.uri`));
        return { name: ref.name, uri: ref.uri as string };
      }
      if (ref.entries === undefined) throw new ConfigError(field, 'needs a uri (s3://…) or inline entries');
      const inline = { name: ref.name, entries: ref.entries };
      try {
        parseThreatIntel(ref.name, JSON.stringify(inline));
      } catch (e) {
        if (e instanceof ThreatIntelError) throw new ConfigError(`${field}.${e.where}`, e.reason);
        throw e;
      }
      return { name: ref.name, inline };
    });
  }
  if (input.refreshSeconds !== undefined) {
    const n = input.refreshSeconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 86400) throw new ConfigError('investigation.refreshSeconds', 'must be an integer from 0 to 86400');
    source.refreshSeconds = n;
  }
  return { source, objects, runbooks: parseRunbooks(input.runbooks) };
}
