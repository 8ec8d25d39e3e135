import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { stableId } from '../hash';
import { compileContext, EMPTY_CONTEXT, parseContextDocument, type ContextDocument, type ContextIndex } from '../investigation/context';
import { parseThreatIntel, ThreatIntelIndex, type ThreatIntelList } from '../investigation/threat-intel';

/**
 * The customer's context document and threat-intel lists, from
 * configuration (inline) or from S3 objects (`s3://bucket/key`). S3 data is
 * cached in memory and re-checked when older than `refreshSeconds` with a
 * conditional GetObject (If-None-Match on the stored ETag): a 304 keeps the
 * cache and costs no transfer, a new ETag replaces it. So customers edit
 * context by uploading a file, without a redeploy. A failed refresh (S3
 * error, or a document that no longer parses) keeps the last good data and
 * is reported through `onError`; only a first load with nothing to fall back
 * on fails `get()`.
 */

export type ContextRef = { inline: unknown } | { uri: string };
export type IntelRef = { name: string; inline: string | object } | { name?: string; uri: string };

export interface ContextSourceConfig {
  context?: ContextRef;
  intel?: IntelRef[];
  /** Seconds S3 data is used before it is checked again; default 300. */
  refreshSeconds?: number;
}

export interface ContextSnapshot {
  document: ContextDocument;
  context: ContextIndex;
  intel: ThreatIntelIndex;
  /** Changes whenever any part changes: a hash of their ETags (S3) or content (inline). */
  version: string;
}

export class ContextSourceError extends Error {
  constructor(
    readonly uri: string,
    readonly reason: string,
  ) {
    super(`context source ${uri}: ${reason}`);
    this.name = 'ContextSourceError';
  }
}

export const DEFAULT_REFRESH_SECONDS = 300;
/** Larger objects are refused: a context document or intel list this big is a mistake, and it would sit in every warm function. */
export const MAX_OBJECT_BYTES = 20 * 1024 * 1024;

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!m) throw new ContextSourceError(uri, 'must be s3://bucket/key');
  return { bucket: m[1], key: m[2] };
}

/**
 * Configuration from the function environment: `MDR_CONTEXT_URI` (s3:// URI
 * of the context document), `MDR_INTEL_URIS` (comma-separated s3:// URIs of
 * intel lists, each named after its key's file name), `MDR_CONTEXT_REFRESH_SECONDS`.
 */
export function contextSourceConfigFromEnv(env: Record<string, string | undefined>): ContextSourceConfig {
  const cfg: ContextSourceConfig = {};
  if (env.MDR_CONTEXT_URI) cfg.context = { uri: env.MDR_CONTEXT_URI };
  if (env.MDR_INTEL_URIS) cfg.intel = env.MDR_INTEL_URIS.split(',').map((u) => u.trim()).filter(Boolean).map((uri) => ({ uri }));
  if (env.MDR_CONTEXT_REFRESH_SECONDS !== undefined) {
    const n = Number(env.MDR_CONTEXT_REFRESH_SECONDS);
    if (!Number.isInteger(n) || n < 0) throw new ContextSourceError('MDR_CONTEXT_REFRESH_SECONDS', 'must be a non-negative integer');
    cfg.refreshSeconds = n;
  }
  return cfg;
}

/** One S3 object's cache entry. */
interface Part<T> {
  uri: string;
  bucket: string;
  key: string;
  parse: (text: string) => T;
  value?: T;
  etag?: string;
  checkedAt?: number;
}

const listName = (key: string) => key.slice(key.lastIndexOf('/') + 1).replace(/\.(txt|json|csv)$/i, '') || key;

function isNotModified(e: unknown): boolean {
  const err = e as { $metadata?: { httpStatusCode?: number }; name?: string };
  return err?.$metadata?.httpStatusCode === 304 || err?.name === 'NotModified' || err?.name === '304';
}

export interface ContextSourceOptions {
  s3: S3Client;
  config: ContextSourceConfig;
  /** Clock in ms (tests). */
  now?: () => number;
  /** A refresh failed and the last good data stays in use. */
  onError?: (error: Error, uri: string) => void;
}

export class ContextSource {
  private readonly refreshMs: number;
  private readonly now: () => number;
  private readonly inlineDoc?: { doc: ContextDocument; version: string };
  private readonly docPart?: Part<ContextDocument>;
  private readonly inlineIntel: { list: ThreatIntelList; version: string }[] = [];
  private readonly intelParts: Part<ThreatIntelList>[] = [];
  private snapshot?: ContextSnapshot;
  private inflight?: Promise<ContextSnapshot>;

  /** Inline data is parsed here, so a bad inline document fails at cold start with the field named. */
  constructor(private readonly opts: ContextSourceOptions) {
    const { config } = opts;
    this.refreshMs = (config.refreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000;
    this.now = opts.now ?? Date.now;
    const ctx = config.context;
    if (ctx && 'inline' in ctx) {
      this.inlineDoc = { doc: parseContextDocument(ctx.inline), version: stableId('inline', JSON.stringify(ctx.inline)) };
    } else if (ctx) {
      this.docPart = { uri: ctx.uri, ...parseS3Uri(ctx.uri), parse: (t) => parseContextDocument(t) };
    }
    for (const ref of config.intel ?? []) {
      if ('inline' in ref) {
        const text = typeof ref.inline === 'string' ? ref.inline : JSON.stringify(ref.inline);
        this.inlineIntel.push({ list: parseThreatIntel(ref.name, text), version: stableId('inline', ref.name, text) });
      } else {
        const loc = parseS3Uri(ref.uri);
        const name = ref.name ?? listName(loc.key);
        this.intelParts.push({ uri: ref.uri, ...loc, parse: (t) => parseThreatIntel(name, t) });
      }
    }
  }

  /** Current data, refreshing S3 parts that are due; concurrent callers share one refresh. */
  get(): Promise<ContextSnapshot> {
    if (this.snapshot && !this.due()) return Promise.resolve(this.snapshot);
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private parts(): Part<unknown>[] {
    return [...(this.docPart ? [this.docPart] : []), ...this.intelParts] as Part<unknown>[];
  }

  private due(): boolean {
    const now = this.now();
    return this.parts().some((p) => p.checkedAt === undefined || now - p.checkedAt >= this.refreshMs);
  }

  private async refresh(): Promise<ContextSnapshot> {
    const now = this.now();
    const due = this.parts().filter((p) => p.checkedAt === undefined || now - p.checkedAt >= this.refreshMs);
    const changed = await Promise.all(due.map((p) => this.fetch(p, now)));
    if (!this.snapshot || changed.some(Boolean)) this.snapshot = this.build();
    return this.snapshot;
  }

  /** True when the part's value changed. */
  private async fetch(p: Part<unknown>, now: number): Promise<boolean> {
    let text: string;
    let etag: string | undefined;
    try {
      const res = await this.opts.s3.send(new GetObjectCommand({ Bucket: p.bucket, Key: p.key, ...(p.etag && p.value !== undefined ? { IfNoneMatch: p.etag } : {}) }));
      if (res.ContentLength !== undefined && res.ContentLength > MAX_OBJECT_BYTES) {
        (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new ContextSourceError(p.uri, `object is ${res.ContentLength} bytes, more than the ${MAX_OBJECT_BYTES} allowed`);
      }
      text = (await res.Body?.transformToString('utf-8')) ?? '';
      etag = res.ETag;
    } catch (e) {
      if (isNotModified(e)) {
        p.checkedAt = now;
        return false;
      }
      return this.failed(p, now, e instanceof ContextSourceError ? e : new ContextSourceError(p.uri, `cannot read: ${(e as Error).message || (e as Error).name}`));
    }
    let value: unknown;
    try {
      value = p.parse(text);
    } catch (e) {
      return this.failed(p, now, new ContextSourceError(p.uri, (e as Error).message));
    }
    p.value = value;
    p.etag = etag;
    p.checkedAt = now;
    return true;
  }

  private failed(p: Part<unknown>, now: number, err: ContextSourceError): false {
    // Without data to fall back on there is nothing to serve: the caller sees the failure.
    if (p.value === undefined) throw err;
    // Checked counts from the failure too, so a broken upload is not re-read on every call.
    p.checkedAt = now;
    this.opts.onError?.(err, p.uri);
    return false;
  }

  private build(): ContextSnapshot {
    const document = this.inlineDoc?.doc ?? this.docPart?.value ?? EMPTY_CONTEXT;
    const lists = [...this.inlineIntel.map((i) => i.list), ...this.intelParts.map((p) => p.value!)];
    const versions = [
      this.inlineDoc?.version ?? (this.docPart ? `${this.docPart.uri}@${this.docPart.etag ?? stableId(JSON.stringify(this.docPart.value))}` : 'none'),
      ...this.inlineIntel.map((i) => i.version),
      ...this.intelParts.map((p) => `${p.uri}@${p.etag ?? stableId(JSON.stringify(p.value))}`),
    ];
    return { document, context: compileContext(document), intel: new ThreatIntelIndex(lists), version: stableId(...versions).slice(0, 16) };
  }
}
