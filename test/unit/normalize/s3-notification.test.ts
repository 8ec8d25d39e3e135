import { s3ObjectsOf } from '../../../shared/normalize/s3-notification';

describe('S3 notifications', () => {
  it('reads object-created records, decoding keys as S3 encodes them', () => {
    const body = JSON.stringify({
      Records: [
        { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'logs' }, object: { key: 'AWSLogs/a+b%3Dc.json.gz', size: 10 } } },
        { eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'logs' }, object: { key: 'gone' } } },
      ],
    });
    expect(s3ObjectsOf(body)).toEqual([{ bucket: 'logs', key: 'AWSLogs/a b=c.json.gz', size: 10 }]);
  });

  it('reads EventBridge "Object Created" events and ignores S3 test events', () => {
    const eb = JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'logs' }, object: { key: 'k.json', size: 3 } } });
    expect(s3ObjectsOf(eb)).toEqual([{ bucket: 'logs', key: 'k.json', size: 3 }]);
    expect(s3ObjectsOf(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'logs' }))).toEqual([]);
  });

  it('leaves telemetry alone, including CloudTrail records that mention S3', () => {
    expect(s3ObjectsOf(JSON.stringify({ Records: [{ eventSource: 's3.amazonaws.com', eventName: 'PutObject' }] }))).toBeUndefined();
    expect(s3ObjectsOf('not json but aws:s3')).toBeUndefined();
  });
});
