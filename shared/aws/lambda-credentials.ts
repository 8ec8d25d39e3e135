import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles
 * (an esbuild alias, infra/defaults/lambda.ts). Lambda hands every function
 * its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, so the default chain's SSO, INI, web-identity, process,
 * container and instance-metadata providers (and the STS and SSO clients they
 * bring) are never reached there; leaving them out takes about 95 KB and
 * their load time out of every function. The local runtime, the tests and
 * the CLI run the sources, not the bundles, and keep the full chain.
 */
export function defaultProvider(init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> {
  return fromEnv(init);
}
