import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RULES_LOAD_ERROR_METRIC, S3RulesSource } from '../../shared/aws/rules-source';
import { loadArtifact, type RulesArtifact } from '../../shared/detect/rules-artifact';
import { buildRulesArtifact } from '../../shared/detect/rule-files';

const rule = (id: string, eventName: string) => ({
  path: `${id}.yml`,
  text: `title: ${id}\nid: ${id}\nlogsource: { product: aws, service: cloudtrail }\ndetection:\n  sel: { eventName: ${eventName} }\n  condition: sel\n`,
});

/** Rules artifacts read from S3 by the detect function (shared/aws/rules-source.ts), on moto. */
describe('S3 rules source', () => {
  const s3 = new S3Client({ forcePathStyle: true });
  const bucket = `rules-${Date.now().toString(36)}`;
  const key = 'rules/current.json';
  const bundled = buildRulesArtifact([rule('bundled', 'StopLogging')]);
  let clock = 0;
  let logs: Record<string, unknown>[] = [];

  const put = (body: string, k = key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body }));
  const artifact = (...rules: ReturnType<typeof rule>[]): RulesArtifact => buildRulesArtifact(rules);
  const source = (k = key) =>
    new S3RulesSource({ s3, bucket, key: k, refreshSeconds: 60, initial: loadArtifact(bundled), now: () => clock, log: (l) => logs.push(JSON.parse(l) as Record<string, unknown>) });
  const ids = async (src: S3RulesSource) => (await src.current()).rules.rules.map((r) => r.id);

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  beforeEach(() => {
    clock = 1_000_000;
    logs = [];
  });

  it('replaces the bundled rules with the artifact in S3, re-checking at most every refreshSeconds', async () => {
    const a = artifact(rule('from-s3', 'CreateUser'));
    await put(JSON.stringify(a));
    const src = source();
    expect(await ids(src)).toEqual(['from-s3']);
    expect((await src.current()).digest).toBe(a.digest);
    expect(logs).toEqual([expect.objectContaining({ level: 'INFO', message: 'rules artifact loaded', digest: a.digest, previous: bundled.digest, versionId: expect.any(String) })]);

    // Replaced in S3: not seen before refreshSeconds have passed, seen after.
    const b = artifact(rule('from-s3', 'CreateUser'), rule('second', 'DeleteTrail'));
    await put(JSON.stringify(b));
    clock += 59_000;
    expect(await ids(src)).toEqual(['from-s3']);
    clock += 1_000;
    expect(await ids(src)).toEqual(['from-s3', 'second']);
    expect((await src.current()).digest).toBe(b.digest);

    // Unchanged object: the same compiled set is kept (a 304, nothing logged).
    const before = await src.current();
    clock += 60_000;
    expect(await src.current()).toBe(before);
    expect(logs).toHaveLength(2);
  });

  it('keeps the last good rules when a new artifact does not load, and reports it once with a metric', async () => {
    const k = 'rules/bad-then-good.json';
    const good = artifact(rule('good', 'CreateUser'));
    await put(JSON.stringify(good), k);
    const src = source(k);
    expect(await ids(src)).toEqual(['good']);

    const broken = { ...good, files: [{ path: 'broken.yml', documents: [{ title: 'broken', id: 'broken', logsource: { product: 'aws' }, detection: { sel: { 'eventName|nosuchmodifier': 'x' }, condition: 'sel' } }] }] };
    await put(JSON.stringify(broken), k);
    clock += 60_000;
    expect(await ids(src)).toEqual(['good']);
    clock += 60_000;
    expect(await ids(src)).toEqual(['good']);
    const errors = logs.filter((l) => l.level === 'ERROR');
    expect(errors).toEqual([
      expect.objectContaining({ [RULES_LOAD_ERROR_METRIC]: 1, running: good.digest, message: expect.stringMatching(/broken\.yml \(rule broken\).*nosuchmodifier/) }),
    ]);
    expect(errors[0]._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'MDR', Metrics: [{ Name: RULES_LOAD_ERROR_METRIC, Unit: 'Count' }] }] });

    await put('{"not":"an artifact"}', k);
    clock += 60_000;
    expect(await ids(src)).toEqual(['good']);
    expect(logs.filter((l) => l.level === 'ERROR')).toHaveLength(2);

    const fixed = artifact(rule('good', 'CreateUser'), rule('fixed', 'PutBucketPolicy'));
    await put(JSON.stringify(fixed), k);
    clock += 60_000;
    expect(await ids(src)).toEqual(['good', 'fixed']);
  });

  it('runs the bundled rules while the object is missing, reporting it once', async () => {
    const src = source('rules/never-written.json');
    expect(await ids(src)).toEqual(['bundled']);
    clock += 60_000;
    expect(await ids(src)).toEqual(['bundled']);
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', message: `no rules artifact at s3://${bucket}/rules/never-written.json`, running: bundled.digest })]);
  });

  it('compiles deferred bundled rules only when S3 gives none: S3 holding the same artifact (as deployed) or another one, its copy runs', async () => {
    let compiles = 0;
    const deferred = (k: string) =>
      new S3RulesSource({
        s3,
        bucket,
        key: k,
        refreshSeconds: 60,
        initial: { digest: bundled.digest, load: () => (compiles++, loadArtifact(bundled)) },
        now: () => clock,
        log: (l) => logs.push(JSON.parse(l) as Record<string, unknown>),
      });
    // As deployed: the bucket holds the bundled artifact; the first batch compiles S3's copy and runs it, nothing else.
    await put(JSON.stringify(bundled), 'rules/same.json');
    const same = deferred('rules/same.json');
    expect(await ids(same)).toEqual(['bundled']);
    expect((await same.current()).digest).toBe(bundled.digest);
    clock += 60_000;
    expect(await ids(same)).toEqual(['bundled']);
    expect(logs).toEqual([]);

    await put(JSON.stringify(artifact(rule('replaced', 'CreateUser'))), 'rules/replaced.json');
    expect(await ids(deferred('rules/replaced.json'))).toEqual(['replaced']);
    expect(compiles).toBe(0);

    // Nothing to read in S3: the bundled rules are compiled, once, and run.
    const missing = deferred('rules/missing.json');
    expect(await ids(missing)).toEqual(['bundled']);
    clock += 60_000;
    expect(await ids(missing)).toEqual(['bundled']);
    expect(compiles).toBe(1);
  });
});
