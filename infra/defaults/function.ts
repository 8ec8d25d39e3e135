import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { type SizedFunction, stageFunctionProps } from './lambda';
import { logGroupProps } from './logs';

export interface MdrFunctionProps {
  /** Entry and sizing, from the catalogue (`STAGES[id]` or `CASE_API`). */
  readonly spec: SizedFunction;
  /** Description of the role (who it belongs to). */
  readonly roleDescription: string;
  /** Customer-managed key the log group is encrypted with. */
  readonly key: kms.IKey;
  /** Days the function's logs are kept (rounded up to a period CloudWatch accepts). */
  readonly logRetentionDays: number;
  /** Environment; names come from the catalogue `Env`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Data files copied beside the bundle: name in the bundle → absolute source path. */
  readonly bundleFiles?: Readonly<Record<string, string>>;
}

export interface MdrFunctionParts {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * The defaults every MDR function shares, created in `scope` with the ids
 * `LogGroup`, `Role` and `Function`: an explicit encrypted log group with a
 * bounded retention, an explicit role holding nothing but its own log
 * writes (callers add the function's grants; no
 * AWSLambdaBasicExecutionRole, whose logs:* reaches every log group), and a
 * Node.js 22 arm64 function bundled locally by esbuild.
 */
export function createMdrFunction(scope: Construct, props: MdrFunctionProps): MdrFunctionParts {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', logGroupProps(props.key, props.logRetentionDays));
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);

  const fn = new lambda.Function(scope, 'Function', {
    ...stageFunctionProps(props.spec, props.bundleFiles),
    role,
    logGroup,
    // Powertools logger: the service is the construct (Detect, CaseApi, …); INFO and up.
    environment: { POWERTOOLS_SERVICE_NAME: scope.node.id, POWERTOOLS_LOG_LEVEL: 'INFO', ...props.environment },
  });
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'Node.js 22 (nodejs22.x, in AWS support) is the runtime the project pins and tests the bundles for (esbuild target node22); moving to a newer runtime is a deliberate, tested change.',
  );
  return { function: fn, role, logGroup };
}
