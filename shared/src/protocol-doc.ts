import type { z } from 'zod';
import { notifications, requests } from './events.ts';
import { wireNames } from './protocol-define.ts';

/**
 * The socket section of docs/protocol.md, written from the definitions in events.ts so the doc
 * cannot drift from the code. protocol-doc.test.ts fails when the doc is stale and rewrites it
 * when run with UPDATE_PROTOCOL_DOC=1.
 */

export const SOCKET_DOC_BEGIN = '<!-- socket-messages:begin (generated from shared/src/events.ts; UPDATE_PROTOCOL_DOC=1 node_modules/.bin/vitest run shared/src/protocol-doc.test.ts) -->';
export const SOCKET_DOC_END = '<!-- socket-messages:end -->';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A compact TypeScript-like spelling of a schema (named schemas by name, one level of objects). */
export function describeSchema(schema: z.ZodType): string {
  const name = wireNames.get(schema)?.name;
  if (name) return name;
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(([key, value]) => {
        const optional = ['optional', 'default'].includes(defOf(value).type);
        return `${key}${optional ? '?' : ''}: ${describeSchema(optional ? defOf(value).innerType! : value)}`;
      });
      return fields.length ? `{ ${fields.join(', ')} }` : '{}';
    }
    case 'array':
      return `${describeSchema(def.element!)}[]`;
    case 'union':
      return def.options!.map(describeSchema).join(' \\| ');
    case 'nullable':
      return `${describeSchema(def.innerType!)} \\| null`;
    case 'optional':
    case 'default':
      return describeSchema(def.innerType!);
    case 'pipe':
      return describeSchema(def.in!);
    case 'literal':
      return def.values!.map((v) => JSON.stringify(v).replaceAll('"', "'")).join(' \\| ');
    case 'enum':
      return Object.values(def.entries!).map((v) => `'${String(v)}'`).join(' \\| ');
    default:
      return def.type;
  }
}

/** Markdown table cells: a pipe would end the cell. */
const cell = (text: string): string => text.replaceAll(/(?<!\\)\|/g, '\\|');

export function renderSocketSection(): string {
  const lines = [
    SOCKET_DOC_BEGIN,
    '### Requests (client → server, each answered by an ack)',
    '| request | who | payload → result | what it does |',
    '| --- | --- | --- | --- |',
    ...Object.entries(requests).map(
      ([name, d]) => `| \`${name}\` | ${cell(d.who)} | \`${describeSchema(d.payload)}\` → \`${describeSchema(d.result)}\` | ${cell(d.doc)} |`,
    ),
    '',
    '### Notifications (server → client)',
    '| notification | payload | when |',
    '| --- | --- | --- |',
    ...Object.entries(notifications).map(([name, d]) => `| \`${name}\` | \`${describeSchema(d.payload)}\` | ${cell(d.doc)} |`),
    SOCKET_DOC_END,
  ];
  return lines.join('\n');
}

/** `doc` with its generated socket section replaced by the current one. */
export function withSocketSection(doc: string): string {
  const begin = doc.indexOf(SOCKET_DOC_BEGIN);
  const end = doc.indexOf(SOCKET_DOC_END);
  if (begin < 0 || end < begin) throw new Error('docs/protocol.md has no generated socket section (its begin/end markers are missing)');
  return doc.slice(0, begin) + renderSocketSection() + doc.slice(end + SOCKET_DOC_END.length);
}
