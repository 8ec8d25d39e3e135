import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ApiHandler = (event: APIGatewayProxyEventV2WithIAMAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Who the local API says is calling: the `x-mdr-local-user` header, or a local operator. */
export const LOCAL_CALLER_HEADER = 'x-mdr-local-user';
const DEFAULT_CALLER = 'arn:aws:iam::000000000000:user/local-operator';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves a Lambda behind an HTTP API on loopback: turns each request into the
 * API Gateway payload v2 event with an IAM authorizer context, the way the
 * deployed HTTP API does after verifying the SigV4 signature.
 */
export class LocalHttpApi {
  private server: Server | undefined;
  url = '';

  constructor(private readonly handler: ApiHandler) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = await readBody(req);
        const caller = String(req.headers[LOCAL_CALLER_HEADER] ?? DEFAULT_CALLER);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const event = {
          version: '2.0',
          routeKey: '$default',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers,
          queryStringParameters: url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined,
          body: body || undefined,
          isBase64Encoded: false,
          requestContext: {
            accountId: '000000000000',
            apiId: 'local',
            domainName: url.host,
            domainPrefix: 'local',
            requestId: randomUUID(),
            routeKey: '$default',
            stage: '$default',
            time: new Date().toISOString(),
            timeEpoch: Date.now(),
            http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: String(req.headers['user-agent'] ?? '') },
            authorizer: {
              iam: {
                accessKey: 'local',
                accountId: '000000000000',
                callerId: caller,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: caller,
                userId: caller,
              },
            },
          },
        } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
        try {
          const result = await this.handler(event, { awsRequestId: event.requestContext.requestId } as Context);
          res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
          res.end(result.body ?? '');
        } catch (e) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'internal', message: (e as Error).message } }));
        }
      })();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
