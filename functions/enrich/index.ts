import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ContextSource, type ContextSourceConfig } from '../../shared/aws/context-source';
import { DynamoEnrichmentStore } from '../../shared/aws/dynamo-enrichment-store';
import { Env } from '../../shared/catalogue';
import { intEnv, requireEnv } from '../../shared/config/env';
import { GeoIp, type GeoLookup } from '../../shared/investigation/geo';
import { errorFields, logger } from '../observability';
import { sqsStage } from '../sqs-stage';
import { createEnrichHandler } from './handler';

const env = requireEnv([Env.tableName, Env.tenantId, Env.quarantineQueueUrl]);
const client = new DynamoDBClient({});
const retention = { childRetentionDays: intEnv(Env.childRetentionDays, 365) };
// Inline context is validated here, at cold start, with the field named.
const config = JSON.parse(process.env[Env.investigation] || '{}') as ContextSourceConfig;
const source = new ContextSource({
  s3: new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }),
  config,
  onError: (e, uri) => logger.error('context refresh failed; keeping the last good data', { uri, ...errorFields(e) }),
});

/** Geolocation is a nice-to-have: without its data files, enrich carries on without countries (logged once). */
function safeGeo(inner: GeoLookup): GeoLookup {
  let warned = false;
  return {
    country(ip: string) {
      try {
        return inner.country(ip);
      } catch (e) {
        if (!warned) logger.warn('geolocation unavailable; enriching without countries', errorFields(e));
        warned = true;
        return undefined;
      }
    },
  };
}

export const handler = sqsStage(
  createEnrichHandler({
    store: new DynamoEnrichmentStore(client, env[Env.tableName], retention),
    context: () => source.get(),
    geo: safeGeo(new GeoIp()),
    sqs: new SQSClient({}),
    quarantineQueueUrl: env[Env.quarantineQueueUrl],
    tenantId: env[Env.tenantId],
  }),
);
