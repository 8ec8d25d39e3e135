import { packJson } from '../../../shared/aws/sqs-sender';

describe('packJson', () => {
  it('packs many items per message under the size limit and remembers their sources', () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ item: { i, pad: 'x'.repeat(100) }, source: `m${i % 7}` }));
    const messages = packJson(items, (batch) => ({ v: 1, events: batch }), 4096);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThan(10);
    for (const m of messages) expect(Buffer.byteLength(m.body)).toBeLessThanOrEqual(4096);
    const unpacked = messages.flatMap((m) => (JSON.parse(m.body) as { events: { i: number }[] }).events.map((e) => e.i));
    expect(unpacked).toEqual(items.map((x) => x.item.i));
    const sources = new Set(messages.flatMap((m) => m.sources));
    expect(sources.size).toBe(7);
  });

  it('sends an item larger than the limit alone rather than dropping it', () => {
    const messages = packJson([{ item: 'y'.repeat(5000), source: 'a' }, { item: 'z', source: 'b' }], (b) => b, 1000);
    expect(messages).toHaveLength(2);
    expect(messages[0].sources).toEqual(['a']);
  });

  it('writes exactly the JSON the envelope gives, whether it splices items in or reshapes them', () => {
    const items: { item: { a: string | null; n: number }; source: string }[] = [
      { item: { a: 'é"\\', n: 1 }, source: 's' },
      { item: { a: null, n: 2.5 }, source: 't' },
    ];
    const [spliced] = packJson(items, (batch) => ({ v: 1, events: batch, tail: true }));
    expect(spliced.body).toBe(JSON.stringify({ v: 1, events: items.map((x) => x.item), tail: true }));
    const [reshaped] = packJson(items, (batch) => ({ count: batch.length, ns: batch.map((b) => b.n) }));
    expect(JSON.parse(reshaped.body)).toEqual({ count: 2, ns: [1, 2.5] });
  });
});
