import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { EventBus } from './EventBus.ts';

function bus(): { bus: EventBus; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { bus: new EventBus(createLogger('error', sink)), lines };
}

describe('EventBus', () => {
  it('delivers a payload to every listener of that event, in subscription order', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    b.on('room.created', (p) => seen.push(`a:${p.name}`));
    b.on('room.created', (p) => seen.push(`b:${p.name}`));
    b.on('protocol.changed', () => seen.push('other'));
    b.emit('room.created', { caseId: 'c', roomId: 'r', name: 'Caucus A' });
    expect(seen).toEqual(['a:Caucus A', 'b:Caucus A']);
  });

  it('gives an event announced by another node only to the listeners that act on this node', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    b.on('protocol.changed', (p) => seen.push(`record:${p.caseId}`));
    const off = b.on('protocol.changed', (p) => seen.push(`connections:${p.caseId}`), { fromOtherNodes: true });
    b.emitFromOtherNode('protocol.changed', { caseId: 'c1' });
    b.emit('protocol.changed', { caseId: 'c2' });
    expect(seen).toEqual(['connections:c1', 'record:c2', 'connections:c2']);
    off();
    b.emitFromOtherNode('protocol.changed', { caseId: 'c3' });
    b.emit('protocol.changed', { caseId: 'c4' });
    expect(seen.slice(3)).toEqual(['record:c4']);
  });

  it('a failing listener is logged and the next listener still runs', () => {
    const { bus: b, lines } = bus();
    const seen: string[] = [];
    b.on('protocol.changed', () => {
      throw new Error('broken subscriber');
    });
    b.on('protocol.changed', (p) => seen.push(p.caseId));
    expect(() => b.emit('protocol.changed', { caseId: 'c1' })).not.toThrow();
    expect(seen).toEqual(['c1']);
    expect(lines.join('')).toContain('event listener failed');
  });

  it('an unsubscribed listener hears nothing more', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    const off = b.on('draft.edited', (p) => seen.push(p.caseId));
    b.emit('draft.edited', { caseId: 'first' });
    off();
    b.emit('draft.edited', { caseId: 'second' });
    expect(seen).toEqual(['first']);
    expect(b.listenerCount('draft.edited')).toBe(0);
  });

  it('onEach subscribes one listener per event and one call unsubscribes them all', () => {
    const { bus: b } = bus();
    const seen: string[] = [];
    const off = b.onEach({
      'draft.edited': (p) => seen.push(`edited:${p.caseId}`),
      'protocol.changed': (p) => seen.push(`protocol:${p.caseId}`),
    });
    b.emit('protocol.changed', { caseId: 'c1' });
    b.emit('draft.edited', { caseId: 'c2' });
    expect(seen).toEqual(['protocol:c1', 'edited:c2']);
    off();
    b.emit('draft.edited', { caseId: 'c3' });
    expect(seen).toHaveLength(2);
    expect(b.listenerCount('protocol.changed') + b.listenerCount('draft.edited')).toBe(0);
  });
});
