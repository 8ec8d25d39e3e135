import { builtInSources, normalizeBatch, normalizeRecord, recognize, sourceById } from '../../../shared/normalize/registry';
import { NormalizeError, type SourceMapper } from '../../../shared/normalize/source';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { fixture, fixtureText } from './helpers';

describe('registry', () => {
  const ct = (fixture('cloudtrail', 'logfile.json').Records as Record<string, unknown>[])[2];

  test('source ids are unique', () => {
    const ids = builtInSources.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sourceById('aws.cloudtrail')?.id).toBe('aws.cloudtrail');
  });

  test('recognizes and normalizes a known record', () => {
    expect(recognize(ct)?.id).toBe('aws.cloudtrail');
    const r = normalizeRecord(ct);
    expect(r).toMatchObject({ ok: true, events: [{ source: 'aws.cloudtrail' }] });
  });

  test.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [ct]],
  ])('rejects %s as not an object', (_name, input) => {
    const r = normalizeRecord(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/not a JSON object/);
  });

  test('unknown source', () => {
    expect(normalizeRecord({ hello: 'world' })).toEqual({ ok: false, reason: 'no recognizable source' });
  });

  test('wrong field type is reported with the source', () => {
    const r = normalizeRecord({ ...ct, eventTime: 1700000000 });
    expect(r).toEqual({ ok: false, reason: 'eventTime: expected a timestamp string, got number', source: 'aws.cloudtrail' });
  });

  test('a truncated record: the envelope reports it, the rest of the batch goes on', () => {
    const lines = fixtureText('cloudtrail', 'logfile.json').trim().split('\n').slice(1, -1).map((l) => l.replace(/,$/, ''));
    const truncated = lines[2].slice(0, 200);
    const body = [lines[0], truncated, lines[3]].join('\n');
    const { records, failures } = unwrapText(body);
    expect(records).toHaveLength(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ line: 2, input: truncated });
    const { events, failures: nf } = normalizeBatch(records);
    expect(nf).toEqual([]);
    expect(events).toHaveLength(2);
  });

  test('a record missing a required field after recognition (truncated object) is quarantined, not thrown', () => {
    const { eventTime: _t, ...noTime } = ct;
    expect(normalizeRecord({ ...noTime, eventTime: null })).toMatchObject({ ok: false, source: 'aws.cloudtrail', reason: 'eventTime: missing required field' });
  });

  test('a TypeError inside a mapper becomes a failure, and a throwing recognize is skipped', () => {
    const buggy: SourceMapper = {
      id: 'buggy',
      name: 'Buggy',
      recognize: (r) => r.kind === 'buggy',
      normalize: (r) => [(r.missing as { x: string }).x as never],
    };
    const throwing: SourceMapper = {
      id: 'throwing',
      name: 'Throwing',
      recognize: () => {
        throw new Error('boom');
      },
      normalize: () => [],
    };
    const sources = [throwing, buggy];
    const r = normalizeRecord({ kind: 'buggy' }, sources);
    expect(r).toMatchObject({ ok: false, source: 'buggy', reason: expect.stringMatching(/^mapper failed: TypeError/) });
    expect(normalizeRecord({ kind: 'other' }, sources)).toEqual({ ok: false, reason: 'no recognizable source' });
    const errSource: SourceMapper = { ...buggy, normalize: () => { throw new NormalizeError('nope'); } };
    expect(normalizeRecord({ kind: 'buggy' }, [errSource])).toEqual({ ok: false, reason: 'nope', source: 'buggy' });
  });

  test('normalizeBatch keeps going past bad records and reports their index', () => {
    const { events, failures } = normalizeBatch([ct, 'x', { a: 1 }, { ...ct, userIdentity: [] }, ct]);
    expect(events).toHaveLength(2);
    expect(failures.map((f) => [f.index, f.source])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 'aws.cloudtrail'],
    ]);
    expect(failures[2].record).toEqual({ ...ct, userIdentity: [] });
  });
});
