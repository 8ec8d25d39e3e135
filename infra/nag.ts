import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Runs the cdk-nag AwsSolutions pack on every synth of the app. cdk-nag 3 is a
 * CDK policy-validation plugin: an unacknowledged error fails synthesis (the
 * CLI prints the report and exits non-zero; an in-memory `app.synth()`
 * throws). The report is written to `policy-validation-report.json` in the
 * cloud assembly.
 */
export function applyNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** A cdk-nag rule id, optionally narrowed to one finding: `AwsSolutions-IAM5[Resource::*]`. */
export type NagRuleId = `AwsSolutions-${string}`;

const MIN_REASON_LENGTH = 20;

/**
 * Acknowledges one cdk-nag finding on a construct (and what it contains),
 * with the reason it is acceptable. A reason is required: an acknowledgement
 * nobody can justify should be a fix instead.
 */
export function acknowledge(scope: IConstruct, id: NagRuleId, reason: string): void {
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`acknowledgement of ${id} on ${scope.node.path} needs a reason (at least ${MIN_REASON_LENGTH} characters)`);
  }
  Validations.of(scope).acknowledge({ id, reason });
}
