import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { DEFAULT_REFRESH_SECONDS, RulesSourceEnv } from '../../shared/aws/rules-source';
import { Env } from '../../shared/catalogue';
import { type RulesArtifact } from '../../shared/detect/rules-artifact';
import { buildRulesArtifact, readRuleFiles } from '../../shared/detect/rule-files';
import type { SuppressionSpec } from '../../shared/detect/suppressions';
import { REPO_ROOT } from '../defaults/paths';
import { acknowledge } from '../nag';

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

/**
 * The deployment's rules artifact, built at synth: the shipped `rules/` plus
 * the customer's folders, every rule checked (a bad rule fails synth naming
 * file, rule and reason), packed with its digest. The detect function's
 * bundling copies it into the bundle (`bundleFiles`), so the asset hash,
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
  /** What puts the artifact into the detect bundle: file name in the bundle → where it was written. */
  readonly bundleFiles: Readonly<Record<string, string>>;
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
      const deployment = new s3deploy.BucketDeployment(this, 'Upload', {
        sources: [s3deploy.Source.asset(upload)],
        destinationBucket: props.bucket,
        destinationKeyPrefix: RULES_OBJECT_KEY.slice(0, RULES_OBJECT_KEY.lastIndexOf('/') + 1),
        prune: false,
      });
      // CDK's own upload function (a singleton per stack), run only at deploy time.
      acknowledge(
        deployment.handlerRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's BucketDeployment function writes its own logs with the basic execution policy; it runs at deploy time only, to copy the rules artifact.",
      );
      const bucketArn = `<${Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnElement)}.Arn>`;
      for (const finding of [`Resource::${bucketArn}/*`, 'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*', 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*', 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']) {
        acknowledge(
          deployment.handlerRole,
          `AwsSolutions-IAM5[${finding}]` as `AwsSolutions-${string}`,
          "CDK's BucketDeployment grants its deploy-time copy function these action groups on the CDK asset bucket and the data bucket only; the rules artifact is the only object it writes.",
        );
      }
      const copier = Stack.of(this).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
      if (copier) {
        acknowledge(copier, 'AwsSolutions-L1', "CDK's BucketDeployment function: its runtime is chosen and updated by aws-cdk-lib, not by this project; it runs at deploy time only.");
      }
      env[RulesSourceEnv.bucket] = props.bucket.bucketName;
      env[RulesSourceEnv.key] = RULES_OBJECT_KEY;
      env[RulesSourceEnv.refreshSeconds] = String(props.refreshSeconds ?? DEFAULT_REFRESH_SECONDS);
    }
    this.environment = env;
    this.bundleFiles = { [RULES_ARTIFACT_FILE]: source };
    this.node.addMetadata('mdr:rules-digest', this.digest);
  }

  /** Lets the detect function read the artifact in the rules bucket (no-op without one): that one object, nothing else. */
  grantRead(grantee: iam.IGrantable): void {
    if (!this.bucket) return;
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(RULES_OBJECT_KEY)] }));
  }
}
