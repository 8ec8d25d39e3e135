import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { FunctionSpec } from '../../shared/catalogue';
import { fromRepoRoot, REPO_ROOT } from './paths';

/** Runtime of every function: Node.js 22 on Graviton. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;
export const ESBUILD_TARGET = 'node22';

/**
 * esbuild runs on the synth machine (no Docker): minified CommonJS with source
 * maps. The AWS SDK v3 is left to the runtime's copy.
 */
export function bundlingOptions(commandHooks?: nodejs.ICommandHooks): nodejs.BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: true,
    sourceMap: true,
    target: ESBUILD_TARGET,
    format: nodejs.OutputFormat.CJS,
    externalModules: ['@aws-sdk/*'],
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
export type SizedFunction = Pick<FunctionSpec, 'entry' | 'description' | 'timeoutSeconds' | 'memoryMb'>;

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
