import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { Env } from '../../shared/catalogue';
import { buildRulesArtifact, readRuleFiles, type RulesArtifact } from '../../shared/detect/rules-artifact';
import { REPO_ROOT } from '../defaults/paths';

/** File name of the artifact inside the detect bundle; the function resolves it beside its own code. */
export const RULES_ARTIFACT_FILE = 'rules.json';

/** The folder of rules shipped with the project, relative to the repository root. */
export const SHIPPED_RULES_DIR = 'rules';

export interface RulesArtifactBundleProps {
  /** Customer rule folders, relative to the repository root (config `ruleDirs`). */
  readonly ruleDirs: readonly string[];
  /** Repository root the folders are relative to; this checkout by default. */
  readonly root?: string;
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

  constructor(scope: Construct, id: string, props: RulesArtifactBundleProps) {
    super(scope, id);
    const root = props.root ?? REPO_ROOT;
    const dirs = [SHIPPED_RULES_DIR, ...props.ruleDirs].map((d) => resolve(root, d));
    const files = readRuleFiles(dirs, root);
    if (files.length === 0) throw new Error(`rules artifact: no .yml/.yaml rule files under ${dirs.join(', ')}`);
    this.artifact = buildRulesArtifact(files);
    this.digest = this.artifact.digest;

    const dir = mkdtempSync(join(tmpdir(), 'mdr-rules-'));
    this.localPath = join(dir, `rules-${this.digest}.json`);
    writeFileSync(this.localPath, JSON.stringify(this.artifact));

    const source = this.localPath;
    this.environment = { [Env.rulesArtifact]: RULES_ARTIFACT_FILE };
    this.commandHooks = {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => [`cp ${shellQuote(source)} ${shellQuote(join(outputDir, RULES_ARTIFACT_FILE))}`],
    };
    this.node.addMetadata('mdr:rules-digest', this.digest);
  }
}
