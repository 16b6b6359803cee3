import fc from 'fast-check';
import { z } from 'zod';
import { requestSchemas, type RequestName } from '@parley/shared';
import { DEFAULT_LIMITS, type Limits } from '../auth/limits.ts';

/**
 * fast-check arbitraries for the fuzz tests, derived from the zod schemas the server validates with
 * (through zod's own JSON Schema export), so a request added to `shared/src/events.ts` is fuzzed
 * without touching this file. A schema part that cannot be turned into an arbitrary (e.g. a
 * `z.custom` payload) throws `NoArbitrary`, which fails the test that asks for it.
 */

export class NoArbitrary extends Error {
  readonly code = 'no_arbitrary';
  constructor(event: string, reason: string, options?: { cause?: unknown }) {
    super(`no arbitrary for ${event}: ${reason}`, options);
    this.name = 'NoArbitrary';
  }
}

/** The JSON Schema shape zod emits for our payload schemas (the parts read here). */
interface Js {
  type?: string;
  anyOf?: Js[];
  oneOf?: Js[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Js>;
  required?: string[];
  additionalProperties?: Js | boolean;
  propertyNames?: Js;
  items?: Js;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/**
 * Ids that exist on the server right now (participants, rooms, producers, transports, threads,
 * messages, of this case and of another): a fuzzed id field often carries one of these, of the
 * wrong kind or the wrong case, which a random string would almost never hit. Read at generation
 * time, so the test can add ids as they appear.
 */
export type IdPool = string[];

const fromPool = (pool: IdPool, fallback: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.nat().chain((i) => (pool.length ? fc.constant(pool[i % pool.length]!) : fallback));

export function jsonSchemaOf(event: RequestName): Js {
  return jsonSchemaOfSchema(event, requestSchemas[event] as z.ZodType);
}

/** Any schema the server validates client input with (a request payload, an ack it reads). */
export function jsonSchemaOfSchema(label: string, schema: z.ZodType): Js {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as Js;
  } catch (cause) {
    throw new NoArbitrary(label, 'its schema has no JSON Schema form', { cause });
  }
}

/** Values of the right shape that aim at validity (real or well-formed ids, lengths and ranges within bounds). */
export function shaped(js: Js, pool: IdPool, event: string): fc.Arbitrary<unknown> {
  if (js.anyOf ?? js.oneOf) return fc.oneof(...(js.anyOf ?? js.oneOf)!.map((s) => shaped(s, pool, event)));
  if ('const' in js) return fc.constant(js.const);
  if (js.enum) return fc.constantFrom(...js.enum);
  switch (js.type) {
    case 'object': {
      const props = Object.entries(js.properties ?? {});
      const fixed = fc.record(Object.fromEntries(props.map(([k, s]) => [k, shaped(s, pool, event)])), { requiredKeys: js.required ?? [] });
      if (typeof js.additionalProperties !== 'object') return fixed;
      const key = js.propertyNames ? (shaped(js.propertyNames, pool, event) as fc.Arbitrary<string>) : fc.string({ maxLength: 16 });
      const extra = fc.dictionary(key, shaped(js.additionalProperties, pool, event), { maxKeys: 4 });
      return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
    }
    case 'array':
      if (!js.items) throw new NoArbitrary(event, 'an array without an item schema');
      return fc.array(shaped(js.items, pool, event), { minLength: js.minItems ?? 0, maxLength: Math.min(js.maxItems ?? 4, Math.max(js.minItems ?? 0, 4)) });
    case 'string': {
      if (js.format === 'uuid') return fc.oneof(fc.uuid(), fromPool(pool, fc.uuid()));
      if (js.pattern) {
        const matching = fc.stringMatching(new RegExp(js.pattern));
        return fc.oneof(matching, fromPool(pool, matching));
      }
      const min = js.minLength ?? 0;
      const max = Math.min(js.maxLength ?? 64, 64);
      return fc.oneof(fc.string({ minLength: min, maxLength: Math.max(min, max) }), fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) }));
    }
    case 'integer': {
      const min = js.minimum ?? (js.exclusiveMinimum !== undefined ? js.exclusiveMinimum + 1 : -(2 ** 31));
      const max = js.maximum ?? (js.exclusiveMaximum !== undefined ? js.exclusiveMaximum - 1 : 2 ** 31);
      return fc.oneof(fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }), fc.constantFrom(min, max));
    }
    case 'number': {
      const min = js.minimum ?? js.exclusiveMinimum ?? -1e9;
      const max = js.maximum ?? js.exclusiveMaximum ?? 1e9;
      return fc.oneof(
        fc.double({ min, max, noNaN: true, minExcluded: js.exclusiveMinimum !== undefined, maxExcluded: js.exclusiveMaximum !== undefined }),
        fc.constantFrom(...[js.minimum, js.maximum].filter((n): n is number => n !== undefined), (min + max) / 2),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case undefined:
      // `{}`: zod's z.unknown(); anything goes.
      if (Object.keys(js).filter((k) => k !== '$schema').length === 0) return garbage();
  }
  throw new NoArbitrary(event, `unsupported schema part ${JSON.stringify(js).slice(0, 160)}`);
}

/** Keys that pollute prototypes when a server merges an object carelessly. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** An object whose own keys include `__proto__` (as JSON.parse makes it: the wire can carry it). */
export const pollutingObject = (): Record<string, unknown> =>
  JSON.parse('{"__proto__":{"polluted":"yes","role":"mediator"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}') as Record<string, unknown>;

/** Any value socket.io can carry: JSON, non-objects, binary, huge strings, polluting keys. */
export function garbage(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, undefined, 0, -1, NaN, Infinity, '', 'session:join', true, false, [], {}, [[[]]]),
    fc.string({ maxLength: 200 }),
    fc.integer({ min: 1000, max: 60_000 }).map((n) => 'x'.repeat(n)),
    fc.uint8Array({ maxLength: 512 }),
    fc.constant(null).map(pollutingObject),
    fc.dictionary(fc.constantFrom(...POLLUTING_KEYS, 'payload', 'data', 'toString', 'valueOf', ''), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  );
}

/** Replacements for one leaf: wrong types, boundaries, real ids of the wrong kind, odd text. */
function wrongLeaf(pool: IdPool): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, 0, -0, -1, 0.5, 1e308, -1e308, NaN, Infinity, 2 ** 53 + 1, true, '', ' ', '\u0000', '\uD800', '‮evil', 'joint', 'caucus-', 'all', [], {}, [null], 'a'.repeat(65)),
    fc.integer({ min: 201, max: 60_000 }).map((n) => 'y'.repeat(n)),
    fromPool(pool, fc.uuid()),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constant(null).map(pollutingObject),
  );
}

type Mutation = { kind: 'leaf'; at: number; value: unknown } | { kind: 'drop'; at: number } | { kind: 'extra'; at: number; key: string; value: unknown };

/**
 * Near-valid payloads: a shaped value with one mutation at one place (a leaf replaced by a wrong
 * type, a boundary or a real id of the wrong kind; a required key dropped; an extra key added, the
 * polluting ones included). Some stay valid, which is fine: a valid request must be answered too.
 */
export function nearValid(js: Js, pool: IdPool, event: string): fc.Arbitrary<unknown> {
  const base = shaped(js, pool, event);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('leaf' as const), at: fc.nat(), value: wrongLeaf(pool) }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('extra' as const), at: fc.nat(), key: fc.constantFrom(...POLLUTING_KEYS, 'extra', 'isMediator', 'role'), value: wrongLeaf(pool) }),
  );
  return fc.tuple(base, fc.option(mutation, { freq: 3 })).map(([value, m]) => (m ? mutate(value, m) : value));
}

/** Every place in a value (the root first), as a path of keys. */
function places(v: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => places(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) places((v as Record<string, unknown>)[k], [...path, k], out);
  return out;
}

function mutate(value: unknown, m: Mutation): unknown {
  const copy = structuredClone(value);
  const containers = places(copy).filter((p) => {
    const at = get(copy, p);
    return m.kind === 'leaf' ? true : !!at && typeof at === 'object' && !Array.isArray(at);
  });
  if (containers.length === 0) return m.kind === 'leaf' ? m.value : copy;
  const path = containers[m.at % containers.length]!;
  if (m.kind === 'leaf') {
    if (path.length === 0) return m.value;
    set(copy, path, m.value);
    return copy;
  }
  const target = get(copy, path) as Record<string, unknown>;
  if (m.kind === 'drop') {
    const keys = Object.keys(target);
    if (keys.length) delete target[keys[m.at % keys.length]!];
  } else {
    // An own property even for "__proto__" (a plain assignment would set the prototype instead).
    Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

const get = (v: unknown, path: Array<string | number>): unknown => path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)?.[k], v);
function set(v: unknown, path: Array<string | number>, value: unknown): void {
  const parent = get(v, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, configurable: true, writable: true });
}

/** How the arguments of one request are laid out on the wire. */
export type Arity = 'payload+ack' | 'no-ack' | 'ack-only' | 'extra-arg+ack';
export const arity = (): fc.Arbitrary<Arity> => fc.constantFrom<Arity>('payload+ack', 'payload+ack', 'payload+ack', 'payload+ack', 'payload+ack', 'no-ack', 'ack-only', 'extra-arg+ack');

/** A fuzzed request: near-valid or garbage payload, sent in one of the argument layouts. */
export function requestArbitrary(event: RequestName, pool: IdPool) {
  const js = jsonSchemaOf(event);
  return fc.record({
    payload: fc.oneof({ weight: 4, arbitrary: nearValid(js, pool, event) }, { weight: 1, arbitrary: garbage() }),
    arity: arity(),
    extra: fc.jsonValue({ maxDepth: 1 }),
  });
}

/**
 * Fuzzing is not flooding: budgets a hundred times the defaults, so that no fuzzed request is
 * refused for its rate (the limits have tests of their own, flood.integration.test.ts).
 */
export function fuzzLimits(): Limits {
  const roomy = (l: { perSecond: number; burst: number }) => ({ perSecond: l.perSecond * 100, burst: l.burst * 100 });
  const d = DEFAULT_LIMITS;
  return {
    ...d,
    signalling: { ...d.signalling, perPerson: roomy(d.signalling.perPerson), perAddress: roomy(d.signalling.perAddress) },
    draft: { ...d.draft, connectionsPerPerson: 64, connectionsPerAddress: 256, perPerson: roomy(d.draft.perPerson), perAddress: roomy(d.draft.perAddress) },
    handshakesPerAddress: roomy(d.handshakesPerAddress),
  };
}

/**
 * Records every uncaught exception and unhandled rejection of this process (the server runs in
 * it): a fuzz test asserts the list stays empty. Without these handlers such an error would stop
 * the process, as it would stop the server.
 */
export function watchCrashes(): { crashes: unknown[]; stop(): void } {
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return {
    crashes,
    stop() {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    },
  };
}
