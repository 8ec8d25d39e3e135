import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface MdrBusProps {
  /** Physical bus name (catalogue `resourceNames(prefix).bus` or `providerBusName()`). */
  readonly busName: string;
  /** Customer-managed key the bus encrypts events with. */
  readonly key: kms.IKey;
  readonly description: string;
}

/** Who may put which events on a bus, from another account. */
export interface CrossAccountPutEvents {
  /** Statement id; unique on the bus. */
  readonly sid: string;
  readonly accountIds: readonly string[];
  /** The only `source` accepted from those accounts. */
  readonly source: string;
  /** The only detail-types accepted from those accounts. */
  readonly detailTypes: readonly string[];
}

/**
 * An EventBridge bus encrypted with the customer-managed key (the EventBus
 * `kmsKey` prop; the construct adds the key-policy statement EventBridge needs,
 * bound to this bus). Cross-account producers are admitted by account, and
 * only for one source and a list of detail-types.
 */
export class MdrBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: MdrBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      kmsKey: props.key,
      description: props.description,
    });
  }

  /**
   * Allows other accounts to put events with one source and given
   * detail-types. One statement names every account, so the 10 KB bus-policy
   * limit is spent on account ids (about 45 bytes each), not repeated
   * conditions.
   */
  allowPutEventsFrom(grant: CrossAccountPutEvents): void {
    if (grant.accountIds.length === 0) return;
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: grant.sid,
        principals: grant.accountIds.map((a) => new iam.AccountPrincipal(a)),
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        // Both keys are evaluated per entry of a PutEvents call.
        conditions: { StringEquals: { 'events:source': grant.source, 'events:detail-type': [...grant.detailTypes] } },
      }),
    );
  }
}
