import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FunctionSpec } from '../../shared/catalogue';
import { resolve } from 'node:path';
import { fromRepoRoot, REPO_ROOT } from './paths';

/** Runtime of every function: Node.js 22 on Graviton. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;
export const ESBUILD_TARGET = 'node22';

/**
 * How every function is bundled, beside what the CDK option names say (the
 * cold-start benchmark bundles with these too). The AWS SDK is bundled, not
 * left to the runtime's copy: taken from its ESM builds (`mainFields`) it is
 * tree-shaken to the commands a function sends and loads as one file instead
 * of hundreds of modules, which roughly halves module initialization
 * (docs/benchmarks.md, cold start; decision 0009), and the deployed SDK is
 * the one the lockfile pins and the tests ran. The Node credential chain is
 * replaced by the environment provider Lambda needs (shared/aws/lambda-credentials.ts).
 * Source maps keep names and lines for stack traces but not the sources'
 * text, which only made the maps slower to read at start.
 */
export const BUNDLE_SETTINGS = {
  mainFields: ['module', 'main'],
  sourcesContent: false,
  /** Package → repository-relative file; see bundleAliases. */
  alias: { '@aws-sdk/credential-provider-node': 'shared/aws/lambda-credentials.ts' },
} as const;

/** BUNDLE_SETTINGS.alias with absolute paths under `root` (esbuild resolves an alias from its working directory). */
export function bundleAliases(root: string = REPO_ROOT): Record<string, string> {
  return Object.fromEntries(Object.entries(BUNDLE_SETTINGS.alias).map(([pkg, path]) => [pkg, resolve(root, path)]));
}

/** esbuild runs on the synth machine (no Docker): minified CommonJS with source maps; `runtimeModules` stay external. */
export function bundlingOptions(commandHooks?: nodejs.ICommandHooks, runtimeModules: readonly string[] = []): nodejs.BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: true,
    sourceMap: true,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    target: ESBUILD_TARGET,
    format: nodejs.OutputFormat.CJS,
    externalModules: [...runtimeModules],
    esbuildArgs: Object.fromEntries(Object.entries(bundleAliases()).map(([pkg, path]) => [`--alias:${pkg}`, path])),
    ...(commandHooks ? { commandHooks } : {}),
  };
}

/**
 * Node options of the telemetry stages: a larger young generation, because
 * a batch's events are short-lived objects in the tens of thousands and the
 * scavenger, not parsing, was their largest cost (docs/benchmarks.md,
 * normalization); 32 MB semi-spaces stay small beside a 1024 MB function.
 */
export const TELEMETRY_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=32';

/** What sizes a function: a stage (`StageSpec`) or another catalogue function (`FunctionSpec`). */
export type SizedFunction = Pick<FunctionSpec, 'entry' | 'description' | 'timeoutSeconds' | 'memoryMb' | 'runtimeModules'>;

/** NodejsFunction properties of a stage or function, sized from the catalogue. */
export function stageFunctionProps(stage: SizedFunction): nodejs.NodejsFunctionProps {
  return {
    entry: fromRepoRoot(stage.entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: fromRepoRoot('package-lock.json'),
    description: stage.description,
    runtime: FUNCTION_RUNTIME,
    architecture: FUNCTION_ARCHITECTURE,
    timeout: Duration.seconds(stage.timeoutSeconds),
    memorySize: stage.memoryMb,
    environment: { NODE_OPTIONS: '--enable-source-maps' },
  };
}
