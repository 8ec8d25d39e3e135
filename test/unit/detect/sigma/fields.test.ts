import { compileAccessor, generalAccessor, MISSING } from '../../../../shared/detect/sigma/fields';

type Rec = Record<string, unknown>;

/** Field names, plain and dotted, including ones Object.prototype answers and ones that need escaping in code. */
const NAMES = [
  'eventName',
  'userIdentity.arn',
  'userIdentity',
  'a.b',
  'a.b.c',
  'toString',
  'constructor',
  'hasOwnProperty',
  '__proto__',
  'a.__proto__',
  '__proto__.b',
  'x.toString',
  'valueOf.x',
  'polluted',
  'x.polluted',
  "quote'\"`${x}",
  'back\\slash.n\nl',
  'line\u2028sep',
  '',
  '.',
  'a.',
  '0',
  'arr.k',
];

/** Events a mapper or JSON.parse can hand the engine, with the cases where reading the value first could go wrong. */
function events(): Rec[] {
  const out: Rec[] = [
    {},
    { eventName: 'RunInstances', userIdentity: { arn: 'arn:aws:iam::1:user/x', type: 'IAMUser' } },
    // A literal dotted key wins over the path.
    { 'userIdentity.arn': 'literal', userIdentity: { arn: 'nested' } },
    { 'a.b': undefined, a: { b: 'nested' } },
    // Own members holding undefined (mappers set some) are present, not missing.
    { eventName: undefined, userIdentity: undefined },
    { userIdentity: { arn: undefined } },
    { userIdentity: null },
    { userIdentity: 'text' },
    { userIdentity: 7 },
    { a: { b: { c: 1 } }, 'a.b.c': 2 },
    { a: { 'b.c': 3 } },
    // Arrays on the way fan out.
    { arr: [{ k: 1 }, { k: 2 }, { j: 3 }], userIdentity: [{ arn: 'one' }, { arn: 'two' }] },
    { arr: [] },
    // Names Object.prototype answers, own and not.
    { toString: 'own string', constructor: 'own ctor', hasOwnProperty: 1 },
    { x: { toString: 'nested own' }, valueOf: { x: 'v' } },
    { x: {} },
    JSON.parse('{"__proto__": {"b": "own proto"}, "a": {"__proto__": "inner own"}}') as Rec,
    { "quote'\"`${x}": 'q', 'back\\slash': { 'n\nl': 'escaped' }, 'line\u2028sep': 'ls', '': 'empty key', '.': 'dot', 'a.': 'a dot', '0': 'zero' },
    // Own members equal to what Object.prototype holds.
    { toString: Object.prototype.toString, x: { toString: Object.prototype.toString } },
    Object.assign(Object.create(null) as Rec, { eventName: 'no prototype', toString: 'own' }),
  ];
  return out;
}

describe('compileAccessor', () => {
  it('answers every name on every event exactly as the general resolver does', () => {
    for (const name of NAMES) {
      const fast = compileAccessor(name);
      const ref = generalAccessor(name);
      for (const e of events()) {
        expect({ name, e, v: fast(e) }).toEqual({ name, e, v: ref(e) });
      }
    }
  });

  it('reads own values, keeps own undefined apart from absent, and never answers with an inherited member', () => {
    expect(compileAccessor('eventName')({ eventName: 'x' })).toBe('x');
    expect(compileAccessor('eventName')({ eventName: undefined })).toBeUndefined();
    expect(compileAccessor('eventName')({})).toBe(MISSING);
    expect(compileAccessor('toString')({})).toBe(MISSING);
    expect(compileAccessor('constructor')({})).toBe(MISSING);
    expect(compileAccessor('__proto__')({})).toBe(MISSING);
    expect(compileAccessor('x.toString')({ x: {} })).toBe(MISSING);
    expect(compileAccessor('toString')({ toString: 'own' })).toBe('own');
    expect(compileAccessor('userIdentity.arn')({ userIdentity: { arn: 'a' } })).toBe('a');
    expect(compileAccessor('userIdentity.arn')({ 'userIdentity.arn': 'literal', userIdentity: { arn: 'a' } })).toBe('literal');
    expect(compileAccessor('arr.k')({ arr: [{ k: 1 }, { j: 2 }, { k: 3 }] })).toEqual([1, 3]);
  });

  it('stays exact when Object.prototype is polluted after the accessor was built', () => {
    const plain = compileAccessor('polluted');
    const dotted = compileAccessor('x.polluted');
    const proto = Object.prototype as Rec;
    try {
      proto.polluted = 'from the prototype';
      expect(plain({})).toBe(MISSING);
      expect(dotted({ x: {} })).toBe(MISSING);
      expect(plain({ polluted: 'own' })).toBe('own');
      expect(dotted({ x: { polluted: 'own' } })).toBe('own');
      // An own value equal to the polluted one is still own.
      expect(plain({ polluted: 'from the prototype' })).toBe('from the prototype');
    } finally {
      delete proto.polluted;
    }
  });

  it('gives one accessor per name', () => {
    expect(compileAccessor('eventSource')).toBe(compileAccessor('eventSource'));
  });
});
