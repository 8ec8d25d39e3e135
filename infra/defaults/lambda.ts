import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AssetHashType, DockerImage, Duration, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { FunctionSpec, StageId } from '../../shared/catalogue';
import type { BundleRequest } from './bundle';
import { REPO_ROOT } from './paths';

/** Runtime of every function: Node.js 22 on Graviton. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;

const BUNDLE_CLI = resolve(__dirname, 'bundle-cli.ts');

/**
 * Runs bundle-cli.ts for one function at synth. The request is a field, not
 * only captured by tryBundle: CDK keys its bundling cache on the bundling
 * options' JSON, and every function's asset has the same source (the
 * repository), so without it all functions would get the first one's bundle.
 */
class FunctionBundling implements ILocalBundling {
  constructor(readonly request: Omit<BundleRequest, 'outDir'>) {}

  tryBundle(outputDir: string): boolean {
    const res = spawnSync(process.execPath, ['--import', 'tsx', BUNDLE_CLI, JSON.stringify({ ...this.request, outDir: outputDir })], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (res.status !== 0) throw new Error(`bundling ${this.request.entry} failed: ${res.error?.message ?? `exit ${res.status ?? res.signal}`}`);
    return true;
  }
}

/**
 * A function's code: its entry bundled by esbuild on the synth machine (no
 * Docker) with the options in infra/defaults/bundle.ts, which the
 * cold-start benchmark and the bundle tests use too, plus data `files`
 * (name in the bundle → absolute source path) copied beside it. Not CDK's
 * NodejsFunction bundling: that runs the esbuild command line, which takes
 * no plugins, and the bundles need one (bundle.ts, sdkSchemaKeys).
 */
export function functionCode(entry: string, runtimeModules: readonly string[] = [], files: Readonly<Record<string, string>> = {}): lambda.Code {
  return lambda.Code.fromAsset(REPO_ROOT, {
    // The code's hash is the bundle's, as with NodejsFunction: the repository is never fingerprinted.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling succeeds or throws; CDK requires an image to be named.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      local: new FunctionBundling({ entry, runtimeModules, files }),
    },
  });
}

/**
 * Node options of the telemetry stages: a larger young generation, because
 * a batch's events are short-lived objects in the tens of thousands and the
 * scavenger, not parsing, was their largest cost (docs/benchmarks.md,
 * normalization); 32 MB semi-spaces stay small beside a 1024 MB function.
 */
export const TELEMETRY_NODE_OPTIONS = '--max-semi-space-size=32';

/**
 * NODE_OPTIONS of the functions that set any (the stack sets them; the
 * cold-start benchmark starts Node with them). None has
 * --enable-source-maps: stack traces are mapped on first use instead
 * (functions/stack-traces.ts, decision 0010).
 */
export const NODE_OPTIONS_BY_STAGE: Readonly<Partial<Record<StageId, string>>> = { normalize: TELEMETRY_NODE_OPTIONS, detect: TELEMETRY_NODE_OPTIONS };

/** What sizes a function: a stage (`StageSpec`) or another catalogue function (`FunctionSpec`). */
export type SizedFunction = Pick<FunctionSpec, 'entry' | 'description' | 'timeoutSeconds' | 'memoryMb' | 'runtimeModules'>;

/** Function properties of a stage or function, sized from the catalogue; `files` ride in its bundle. */
export function stageFunctionProps(stage: SizedFunction, files: Readonly<Record<string, string>> = {}): lambda.FunctionProps {
  return {
    code: functionCode(stage.entry, stage.runtimeModules, files),
    handler: 'index.handler',
    description: stage.description,
    runtime: FUNCTION_RUNTIME,
    architecture: FUNCTION_ARCHITECTURE,
    timeout: Duration.seconds(stage.timeoutSeconds),
    memorySize: stage.memoryMb,
  };
}
