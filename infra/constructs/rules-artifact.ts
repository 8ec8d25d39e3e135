import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { DEFAULT_REFRESH_SECONDS, RulesSourceEnv } from '../../shared/aws/rules-source';
import { Env } from '../../shared/catalogue';
import { buildRulesArtifact, readRuleFiles, type RulesArtifact } from '../../shared/detect/rules-artifact';
import type { SuppressionSpec } from '../../shared/detect/suppressions';
import { REPO_ROOT } from '../defaults/paths';

/** File name of the artifact inside the detect bundle; the function resolves it beside its own code. */
export const RULES_ARTIFACT_FILE = 'rules.json';

/** Key of the artifact in the rules bucket; detect re-reads it, so replacing it updates rules without a deploy. */
export const RULES_OBJECT_KEY = 'rules/current.json';

/** The folder of rules shipped with the project, relative to the repository root. */
export const SHIPPED_RULES_DIR = 'rules';

export interface RulesArtifactBundleProps {
  /** Customer rule folders, relative to the repository root (config `ruleDirs`). */
  readonly ruleDirs: readonly string[];
  /** Repository root the folders are relative to; this checkout by default. */
  readonly root?: string;
  /** Per-customer suppressions (config `suppressions`): checked against the rules, packed into the artifact. */
  readonly suppressions?: readonly SuppressionSpec[];
  /**
   * A (versioned) bucket to write the artifact to at deploy, under
   * RULES_OBJECT_KEY. When given, detect re-reads it every
   * `refreshSeconds`, so an artifact written there later (`mdr`-built,
   * same format) takes effect without a code deploy.
   */
  readonly bucket?: s3.IBucket;
  /** How often detect checks the bucket for a new artifact (seconds); 60 by default. */
  readonly refreshSeconds?: number;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The deployment's rules artifact, built at synth: the shipped `rules/` plus
 * the customer's folders, every rule checked (a bad rule fails synth naming
 * file, rule and reason), packed with its digest. The detect function's
 * bundling copies it into the bundle (`afterBundling`), so the asset hash,
 * and therefore the deployed code version, changes with the rules.
 */
export class RulesArtifactBundle extends Construct {
  readonly artifact: RulesArtifact;
  /** Names this rule set; findings carry the rule version that fired. */
  readonly digest: string;
  /** Where the artifact was written on the synth machine. */
  readonly localPath: string;
  /** Environment the detect function needs to find the artifact. */
  readonly environment: Readonly<Record<string, string>>;
  /** Bundling hooks that put the artifact into the detect bundle. */
  readonly commandHooks: nodejs.ICommandHooks;
  private readonly bucket?: s3.IBucket;

  constructor(scope: Construct, id: string, props: RulesArtifactBundleProps) {
    super(scope, id);
    const root = props.root ?? REPO_ROOT;
    const dirs = [SHIPPED_RULES_DIR, ...props.ruleDirs].map((d) => resolve(root, d));
    const files = readRuleFiles(dirs, root);
    if (files.length === 0) throw new Error(`rules artifact: no .yml/.yaml rule files under ${dirs.join(', ')}`);
    // A bad rule or suppression throws here, naming it: synth fails, never the function.
    this.artifact = buildRulesArtifact(files, { suppressions: props.suppressions });
    this.digest = this.artifact.digest;

    const dir = mkdtempSync(join(tmpdir(), 'mdr-rules-'));
    this.localPath = join(dir, `rules-${this.digest}.json`);
    writeFileSync(this.localPath, JSON.stringify(this.artifact));

    const source = this.localPath;
    const env: Record<string, string> = { [Env.rulesArtifact]: RULES_ARTIFACT_FILE };
    if (props.bucket) {
      this.bucket = props.bucket;
      const upload = join(dir, 'upload');
      mkdirSync(upload);
      writeFileSync(join(upload, RULES_OBJECT_KEY.split('/').pop() as string), JSON.stringify(this.artifact));
      new s3deploy.BucketDeployment(this, 'Upload', {
        sources: [s3deploy.Source.asset(upload)],
        destinationBucket: props.bucket,
        destinationKeyPrefix: RULES_OBJECT_KEY.slice(0, RULES_OBJECT_KEY.lastIndexOf('/') + 1),
        prune: false,
      });
      env[RulesSourceEnv.bucket] = props.bucket.bucketName;
      env[RulesSourceEnv.key] = RULES_OBJECT_KEY;
      env[RulesSourceEnv.refreshSeconds] = String(props.refreshSeconds ?? DEFAULT_REFRESH_SECONDS);
    }
    this.environment = env;
    this.commandHooks = {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [`cp ${shellQuote(source)} ${shellQuote(join(outputDir, RULES_ARTIFACT_FILE))}`],
    };
    this.node.addMetadata('mdr:rules-digest', this.digest);
  }

  /** Lets the detect function read the artifact in the rules bucket (no-op without one). */
  grantRead(grantee: iam.IGrantable): void {
    this.bucket?.grantRead(grantee, RULES_OBJECT_KEY);
  }
}
