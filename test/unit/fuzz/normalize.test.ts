/**
 * Fuzz: normalizers. Generated vendor records (CloudTrail, Okta, Windows,
 * VPC Flow Logs), the same records mutated, and arbitrary text never make
 * unwrapping or normalizing throw; every rejection carries a reason; and a
 * batch mixing good and bad messages rejects exactly the bad ones, each with
 * its message id and reason, while every good one is normalized.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, type RawMessage } from '../../../shared/normalize/normalize-batch';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { Rng, vpcFlowLine, VPC_V2_HEADER } from '../../bench/generators';
import { applyEdit, applyTextEdit, arbEdit, caseCounter, generateRecord, runs, type RecordKind } from './support';

const counter = caseCounter();
const hit = counter.hit;
afterAll(() => {
  const total = counter.total();
  console.log(`fuzz normalize: ${total} cases tried (${counter.summary()})`);
});

type Kind = Extract<RecordKind, 'cloudtrail' | 'cloudtrail-envelope' | 'okta' | 'windows' | 'vpcflow'>;
const KINDS: Kind[] = ['cloudtrail', 'cloudtrail-envelope', 'okta', 'windows', 'vpcflow'];

const arbRecord = fc.tuple(fc.constantFrom(...KINDS), fc.nat()).map(([kind, seed]) => ({ kind, record: generateRecord(kind, seed) }));

/** A text edit: truncate, delete a range, insert bytes, duplicate a slice. */
const arbTextEdit = fc.record({
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  op: fc.constantFrom('truncate', 'delete', 'insert', 'duplicate'),
  text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('{', '}', '[', ']', '"', '\\', '\n', ',', ':', '\r\n', '\u2028', '\uFEFF', 'null')),
});

function checkResult(r: ReturnType<typeof normalizeRecord>): void {
  if (!r.ok) {
    expect(typeof r.reason).toBe('string');
    expect(r.reason.trim().length).toBeGreaterThan(0);
  } else {
    expect(r.events.length).toBeGreaterThan(0);
    for (const e of r.events) {
      expect(Number.isFinite(e.time)).toBe(true);
      expect(typeof e.uid).toBe('string');
    }
  }
}

describe('fuzz: normalizers', () => {
  it('every generated record of each source normalizes', () => {
    fc.assert(
      fc.property(arbRecord, ({ kind, record }) => {
        hit('generated');
        const r = normalizeRecord(record);
        if (!r.ok) throw new Error(`${kind} rejected: ${r.reason}`);
        checkResult(r);
      }),
      runs(300),
    );
  });

  it('mutated records never throw; every rejection has a reason', () => {
    fc.assert(
      fc.property(arbRecord, fc.array(arbEdit, { minLength: 1, maxLength: 6 }), ({ record }, edits) => {
        hit('mutated-record');
        const mutated = edits.reduce<unknown>((acc, e) => applyEdit(acc, e), record);
        checkResult(normalizeRecord(mutated));
      }),
      runs(1500),
    );
  });

  it('mutated and arbitrary text never makes unwrapping throw; every failure has a reason', () => {
    const arbText = fc.oneof(
      fc.tuple(fc.array(arbRecord, { minLength: 1, maxLength: 4 }), fc.array(arbTextEdit, { minLength: 1, maxLength: 4 }), fc.constantFrom('ndjson', 'array', 'records', 'pretty')).map(([recs, edits, shape]) => {
        const objs = recs.map((x) => x.record);
        const text =
          shape === 'ndjson' ? objs.map((o) => JSON.stringify(o)).join('\n') : shape === 'array' ? JSON.stringify(objs) : shape === 'records' ? JSON.stringify({ Records: objs }) : objs.map((o) => JSON.stringify(o, null, 2)).join('\n');
        return edits.reduce((s, e) => applyTextEdit(s, e), text);
      }),
      fc.string({ maxLength: 400 }),
      fc.json({ maxDepth: 3 }),
      fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', '\n', ',', ':', 'a', '1', ' ', 'type=SYSCALL ', '2 ', 'version srcaddr dstaddr\n'), { maxLength: 200 }).map((xs) => xs.join('')),
    );
    fc.assert(
      fc.property(arbText, (text) => {
        hit('text');
        const { records, failures } = unwrapText(text);
        for (const f of failures) expect(f.reason.trim().length).toBeGreaterThan(0);
        for (const rec of records) checkResult(normalizeRecord(rec));
        const batch = normalizeBatch([{ messageId: 'm', body: text }]);
        for (const r of batch.rejected) {
          expect(r.messageId).toBe('m');
          expect(r.reason.trim().length).toBeGreaterThan(0);
        }
      }),
      runs(1500),
    );
  });

  it('a batch of good and bad messages rejects exactly the bad ones, with reasons, and normalizes every good one', () => {
    const arbGood = fc.oneof(
      fc.array(fc.tuple(fc.constantFrom<Kind>('cloudtrail', 'okta', 'windows', 'vpcflow'), fc.nat()), { minLength: 1, maxLength: 3 }).map((xs) => {
        const recs = xs.map(([k, s]) => generateRecord(k, s));
        return { body: recs.map((x) => JSON.stringify(x)).join('\n'), records: recs.length };
      }),
      fc.nat().map((s) => ({ body: JSON.stringify(generateRecord('cloudtrail-envelope', s)), records: 1 })),
      fc.array(fc.nat(), { minLength: 1, maxLength: 5 }).map((ss) => ({ body: JSON.stringify({ Records: ss.map((s) => generateRecord('cloudtrail', s)) }), records: ss.length })),
      fc.array(fc.nat(), { minLength: 1, maxLength: 5 }).map((ss) => ({ body: [VPC_V2_HEADER, ...ss.map((s) => vpcFlowLine(new Rng(s), s))].join('\n'), records: ss.length })),
    );
    const arbBad = fc.oneof(
      // Truncated JSON: the closing brace is always cut.
      fc.tuple(arbRecord, fc.nat()).map(([{ record }, k]) => {
        const t = JSON.stringify(record);
        return `truncated:${t.slice(0, 1 + (k % (t.length - 1)))}`;
      }),
      fc.string({ maxLength: 60 }).map((s) => `not json: ${s.replace(/[\r\n\u2028\u2029]/g, ' ')}`),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).map((k) => `zz_${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((o) => JSON.stringify(o)),
      fc.constantFrom('', '   ', '\n\n', 'null', '42', '"a string"', 'true', '[1,2,3]', '[]', '[null]', '{"Records":[1,"x",null]}', '{"Records":[{"zz":1}]}'),
    ).map((b) => (b.startsWith('truncated:') ? b.slice('truncated:'.length) : b));
    fc.assert(
      fc.property(fc.array(fc.oneof(arbGood.map((g) => ({ good: true as const, ...g })), arbBad.map((body) => ({ good: false as const, body, records: 0 }))), { minLength: 1, maxLength: 12 }), (items) => {
        hit('batch');
        const messages: RawMessage[] = items.map((it, i) => ({ messageId: `msg-${i}`, body: it.body }));
        const { events, rejected } = normalizeBatch(messages);
        items.forEach((it, i) => {
          const id = `msg-${i}`;
          const mine = rejected.filter((r) => r.messageId === id);
          const produced = events.filter((e) => e.source === id).length;
          if (it.good) {
            expect({ id, rejected: mine }).toEqual({ id, rejected: [] });
            expect(produced).toBe(it.records);
          } else {
            expect(mine.length).toBeGreaterThan(0);
            for (const r of mine) expect(r.reason.trim().length).toBeGreaterThan(0);
            expect(produced).toBe(0);
          }
        });
      }),
      runs(500),
    );
  });
});
