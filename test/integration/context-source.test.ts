import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ContextSource, ContextSourceError } from '../../shared/aws/context-source';
import { ContextError } from '../../shared/investigation/context';

/** Context and threat intel from S3 on moto: conditional refresh, last good data kept on failure. */
describe('context source on moto', () => {
  const s3 = new S3Client({ forcePathStyle: true });
  const bucket = `mdr-context-${Date.now().toString(36)}`;
  const put = (key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const doc = (alias: string) => JSON.stringify({ accountAliases: { '111122223333': alias }, vipUsers: [{ user: 'ceo@example.com' }] });

  /** Counts the GetObject calls and how they ended, through the client's own middleware. */
  function counted(): { client: S3Client; statuses: number[] } {
    const statuses: number[] = [];
    const client = new S3Client({ forcePathStyle: true });
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          const out = await next(args);
          statuses.push((out.response as { statusCode: number }).statusCode);
          return out;
        } catch (e) {
          statuses.push((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? -1);
          throw e;
        }
      },
      { step: 'deserialize', name: 'countStatuses' },
    );
    return { client, statuses };
  }

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('loads, keeps the cache while fresh, revalidates with the ETag (304), and picks up a new upload', async () => {
    await put('context.json', doc('prod'));
    await put('intel/tor.txt', '203.0.113.50,tor-exit,90');
    let now = 1_000_000;
    const { client, statuses } = counted();
    const source = new ContextSource({
      s3: client,
      config: { context: { uri: `s3://${bucket}/context.json` }, intel: [{ uri: `s3://${bucket}/intel/tor.txt` }], refreshSeconds: 60 },
      now: () => now,
    });
    const first = await source.get();
    expect(first.context.alias({ type: 'account', value: '111122223333' })).toBe('prod');
    expect(first.intel.lookup('203.0.113.50')).toEqual([{ list: 'tor', category: 'tor-exit', confidence: 90 }]);
    expect(statuses).toEqual([200, 200]);

    now += 30_000;
    expect(await source.get()).toBe(first);
    expect(statuses).toHaveLength(2);

    now += 31_000;
    expect(await source.get()).toBe(first);
    expect(statuses.slice(2)).toEqual([304, 304]);

    await put('context.json', doc('production'));
    now += 61_000;
    const second = await source.get();
    expect(second.context.alias({ type: 'account', value: '111122223333' })).toBe('production');
    expect(second.version).not.toBe(first.version);
    expect(second.intel.lookup('203.0.113.50')).toHaveLength(1);
  });

  it('a broken upload or a missing object keeps the last good data and reports the error', async () => {
    await put('ctx2.json', doc('prod'));
    let now = 0;
    const errors: string[] = [];
    const source = new ContextSource({
      s3,
      config: { context: { uri: `s3://${bucket}/ctx2.json` }, refreshSeconds: 10 },
      now: () => now,
      onError: (e, uri) => errors.push(`${uri} ${e.message}`),
    });
    const good = await source.get();
    await put('ctx2.json', '{"vipUsers": [{"reason": "no user"}]}');
    now += 11_000;
    expect(await source.get()).toBe(good);
    expect(errors).toEqual([`s3://${bucket}/ctx2.json context source s3://${bucket}/ctx2.json: context vipUsers[0].user: must be a non-empty string`]);
    // Not re-read on every call while broken: the failure counts as a check.
    expect(await source.get()).toBe(good);
    expect(errors).toHaveLength(1);
  });

  it('a first load with nothing to fall back on fails with the object named', async () => {
    const source = new ContextSource({ s3, config: { context: { uri: `s3://${bucket}/absent.json` } } });
    await expect(source.get()).rejects.toThrow(ContextSourceError);
    await expect(source.get()).rejects.toThrow(`context source s3://${bucket}/absent.json: cannot read`);
  });

  it('inline configuration needs no S3 and fails at construction with the field named', async () => {
    const source = new ContextSource({ s3, config: { context: { inline: { accountAliases: { '111122223333': 'prod' } } }, intel: [{ name: 'mine', inline: { entries: [{ indicator: '192.0.2.0/24', category: 'scanner' }] } }] } });
    const snap = await source.get();
    expect(snap.context.alias({ type: 'account', value: '111122223333' })).toBe('prod');
    expect(snap.intel.lookup('192.0.2.9')).toEqual([{ list: 'mine', category: 'scanner' }]);
    expect(() => new ContextSource({ s3, config: { context: { inline: { assets: [{ id: 'x' }] } } } })).toThrow(ContextError);
    expect(() => new ContextSource({ s3, config: { context: { uri: 'https://example.com/x' } } })).toThrow('must be s3://bucket/key');
  });
});
