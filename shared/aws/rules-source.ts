import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadArtifact, parseRulesArtifact, type LoadedRules, type RulesProvider } from '../detect/rules-artifact';

/** Environment of the detect function for rules read from S3 (absent: the bundled artifact only). */
export const RulesSourceEnv = {
  bucket: 'MDR_RULES_BUCKET',
  key: 'MDR_RULES_KEY',
  refreshSeconds: 'MDR_RULES_REFRESH_SECONDS',
} as const;

export const DEFAULT_REFRESH_SECONDS = 60;

/** Metric (EMF, namespace MDR) counting rules artifacts that could not be used. */
export const RULES_LOAD_ERROR_METRIC = 'RulesArtifactLoadErrors';

export interface S3RulesSourceOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  /** At most one S3 request per this many seconds. */
  refreshSeconds: number;
  /**
   * What detect runs until S3 gives a good artifact: the one bundled with
   * the function, compiled, or its digest and how to compile it when first
   * run. Deployed, the bucket holds that same artifact: the first batch
   * compiles S3's copy (as it always did) and runs it, so the bundled one is
   * compiled only if S3 cannot be read, not at every cold start as well.
   */
  initial: LoadedRules | DeferredRules;
  /** Milliseconds clock (tests). */
  now?: () => number;
  /** One JSON line per event worth telling (a new rule set, a failure); stdout by default. */
  log?: (line: string) => void;
}

/** A rule set named by its artifact's digest, compiled on first use. */
export interface DeferredRules {
  readonly digest: string;
  load(): LoadedRules;
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * The detect function's rules, kept current from a rules artifact in S3 (the
 * one the deployment wrote, or one the customer replaced) without a code
 * deploy. At most every `refreshSeconds` it asks S3 for the object with
 * If-None-Match on the ETag it holds, so an unchanged artifact costs a 304.
 * A new artifact is compiled before it replaces the running one; one that
 * fails to load (bad JSON, a rule or suppression error) is reported once,
 * as a log line carrying an EMF error metric, and the last good rule set
 * keeps running. An unreachable bucket or a missing object is reported
 * the same way, once until it recovers.
 */
export class S3RulesSource implements RulesProvider {
  /** The running rules: compiled, or the deferred initial rules until first run. */
  private running: LoadedRules | DeferredRules;
  private etag: string | undefined;
  private checkedAt = -Infinity;
  private inflight: Promise<void> | undefined;
  /** The last problem reported, so a persisting one is told once. */
  private reported: string | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: S3RulesSourceOptions) {
    this.running = opts.initial;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((l) => process.stdout.write(`${l}\n`));
  }

  /** The rule set to run now; refreshes first when the last check is older than refreshSeconds. */
  async current(): Promise<LoadedRules> {
    if (this.now() - this.checkedAt >= this.opts.refreshSeconds * 1000) {
      this.inflight ??= this.refresh().finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
    if ('load' in this.running) this.running = this.running.load();
    return this.running;
  }

  private where(): string {
    return `s3://${this.opts.bucket}/${this.opts.key}`;
  }

  private async refresh(): Promise<void> {
    this.checkedAt = this.now();
    let text: string;
    let etag: string | undefined;
    let versionId: string | undefined;
    try {
      const res = await this.opts.s3.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.opts.key, IfNoneMatch: this.etag }));
      text = (await res.Body?.transformToString('utf8')) ?? '';
      etag = res.ETag;
      versionId = res.VersionId;
    } catch (e) {
      if (statusOf(e) === 304) return;
      const missing = (e as Error).name === 'NoSuchKey' || statusOf(e) === 404;
      this.problem(missing ? `no rules artifact at ${this.where()}` : `cannot read ${this.where()}: ${(e as Error).name}: ${(e as Error).message}`);
      return;
    }
    // Remember the ETag even of a bad artifact: it is not fetched again until replaced.
    this.etag = etag;
    let next: LoadedRules;
    try {
      next = loadArtifact(parseRulesArtifact(text));
    } catch (e) {
      this.problem(`rules artifact ${this.where()} (ETag ${etag ?? '?'}) not loaded, keeping rules ${this.running.digest}: ${(e as Error).message}`);
      return;
    }
    this.reported = undefined;
    if (next.digest === this.running.digest) {
      // The rule set running already; deferred, S3's copy is it, compiled.
      if ('load' in this.running) this.running = next;
      return;
    }
    const previous = this.running.digest;
    this.running = next;
    this.log(JSON.stringify({ level: 'INFO', message: 'rules artifact loaded', source: this.where(), etag, versionId, digest: next.digest, previous, rules: next.rules.rules.length, suppressions: next.suppressions.size }));
  }

  private problem(message: string): void {
    if (this.reported === message) return;
    this.reported = message;
    this.log(
      JSON.stringify({
        _aws: { Timestamp: this.now(), CloudWatchMetrics: [{ Namespace: 'MDR', Dimensions: [['stage']], Metrics: [{ Name: RULES_LOAD_ERROR_METRIC, Unit: 'Count' }] }] },
        stage: 'detect',
        [RULES_LOAD_ERROR_METRIC]: 1,
        level: 'ERROR',
        message,
        running: this.running.digest,
      }),
    );
  }
}
