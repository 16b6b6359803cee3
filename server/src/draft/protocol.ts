import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

/**
 * The y-websocket wire protocol (what `y-websocket`'s WebsocketProvider speaks): every binary
 * message starts with a varUint message type. Sync messages carry a second varUint (step 1 = state
 * vector, step 2 = missing updates, update = a live change) then a varUint8Array payload.
 * Awareness messages carry one varUint8Array: count, then (clientID, clock, JSON state) per client.
 */
export const MessageType = { Sync: 0, Awareness: 1, Auth: 2, QueryAwareness: 3 } as const;
export const SyncType = { Step1: syncProtocol.messageYjsSyncStep1, Step2: syncProtocol.messageYjsSyncStep2, Update: syncProtocol.messageYjsUpdate } as const;

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-update'; step: 'step2' | 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth' };

/** Parses one message; throws on anything malformed or unknown (the connection is then closed). */
export function readMessage(data: Uint8Array): IncomingMessage {
  const d = decoding.createDecoder(data);
  const type = decoding.readVarUint(d);
  switch (type) {
    case MessageType.Sync: {
      const sync = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sync === SyncType.Step1) return { type: 'sync-step1', stateVector: payload };
      if (sync === SyncType.Step2) return { type: 'sync-update', step: 'step2', update: payload };
      if (sync === SyncType.Update) return { type: 'sync-update', step: 'update', update: payload };
      throw new Error(`unknown sync message ${sync}`);
    }
    case MessageType.Awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(d) };
    case MessageType.QueryAwareness:
      return { type: 'query-awareness' };
    case MessageType.Auth:
      return { type: 'auth' };
    default:
      throw new Error(`unknown message type ${type}`);
  }
}

export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

/** Answer to a peer's step 1: everything the peer is missing. */
export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  syncProtocol.writeSyncStep2(e, doc, stateVector);
  return encoding.toUint8Array(e);
}

export function updateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  state: unknown;
  /** Length of the state's JSON as received. */
  jsonBytes: number;
}

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  if (n > 64) throw new Error('too many awareness entries');
  const out: AwarenessEntry[] = [];
  for (let i = 0; i < n; i++) {
    const clientID = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const json = decoding.readVarString(d);
    out.push({ clientID, clock, state: JSON.parse(json) as unknown, jsonBytes: json.length });
  }
  return out;
}

export function encodeAwarenessEntries(entries: Array<Omit<AwarenessEntry, 'jsonBytes'>>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const x of entries) {
    encoding.writeVarUint(e, x.clientID);
    encoding.writeVarUint(e, x.clock);
    encoding.writeVarString(e, JSON.stringify(x.state));
  }
  return encoding.toUint8Array(e);
}
