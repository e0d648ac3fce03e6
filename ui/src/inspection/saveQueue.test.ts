import { describe, expect, it } from 'vitest';

import type { IpcError } from '../bindings/IpcError';
import { SaveQueue, type SaveState, type Timers } from './saveQueue';

type Patch = { verdict?: string | null; finding?: string; severity?: string | null };

/** Timers that run only when the test says so. */
function manualTimers() {
  let next = 0;
  const due = new Map<number, () => void>();
  const timers: Timers = {
    set: (fn) => {
      due.set(++next, fn);
      return next;
    },
    clear: (h) => void due.delete(h as number),
  };
  return {
    timers,
    pending: () => due.size,
    fire: () => {
      const fns = [...due.values()];
      due.clear();
      fns.forEach((f) => f());
    },
  };
}

/** A fake `inspection_record` whose answers the test releases one by one, in any order. */
function fakeSend() {
  const calls: Array<{ key: string; patch: Patch; resolve: (v: string) => void; reject: (e: unknown) => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (key: string, patch: Patch) =>
    new Promise<string>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        inFlight--;
        f(v);
      };
      calls.push({ key, patch, resolve: settle(resolve), reject: settle(reject) });
    });
  return { send, calls, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const refused: IpcError = { code: 'database', message: 'disk I/O error', problems: [] };

function setup() {
  const t = manualTimers();
  const f = fakeSend();
  const log: Array<[string, SaveState['status']]> = [];
  const saved: Array<[string, string, Patch]> = [];
  const q = new SaveQueue<Patch, string>({
    send: f.send,
    delayMs: 400,
    timers: t.timers,
    onState: (k, s) => log.push([k, s.status]),
    onSaved: (k, r, p) => saved.push([k, r, p]),
  });
  return { q, t, f, log, saved };
}

describe('SaveQueue', () => {
  it('sends a choice at once and says saved only after the promise resolved', async () => {
    const { q, f } = setup();
    q.change('S01', { verdict: 'compliant' });
    expect(f.calls.map((c) => c.patch)).toEqual([{ verdict: 'compliant' }]);
    expect(q.state('S01').status).toBe('saving');
    await tick();
    expect(q.state('S01').status).toBe('saving');
    f.calls[0].resolve('ok');
    await tick();
    expect(q.state('S01').status).toBe('saved');
  });

  it('debounces text and sends only the last value', async () => {
    const { q, t, f } = setup();
    q.change('S01', { finding: '灭' }, { debounce: true });
    q.change('S01', { finding: '灭火' }, { debounce: true });
    q.change('S01', { finding: '灭火器过期' }, { debounce: true });
    expect(f.calls).toHaveLength(0);
    expect(q.state('S01').status).toBe('pending');
    t.fire();
    expect(f.calls.map((c) => c.patch)).toEqual([{ finding: '灭火器过期' }]);
  });

  it('a choice carries the text still waiting on the same item', () => {
    const { q, t, f } = setup();
    q.change('S01', { finding: '冰箱生熟未分开' }, { debounce: true });
    q.change('S01', { verdict: 'noncompliant' });
    expect(f.calls.map((c) => c.patch)).toEqual([{ finding: '冰箱生熟未分开', verdict: 'noncompliant' }]);
    expect(t.pending()).toBe(0);
  });

  it('never has two requests in flight, so the core sees changes in the order they were made', async () => {
    const { q, f } = setup();
    q.change('S01', { verdict: 'compliant' });
    q.change('S01', { verdict: 'noncompliant' });
    q.change('S02', { verdict: 'partial' });
    q.change('S01', { severity: 'major' });
    expect(f.calls).toHaveLength(1);
    f.calls[0].resolve('1');
    await tick();
    expect(f.calls).toHaveLength(2);
    f.calls[1].resolve('2');
    await tick();
    f.calls[2].resolve('3');
    await tick();
    expect(f.calls.map((c) => [c.key, c.patch])).toEqual([
      ['S01', { verdict: 'compliant' }],
      ['S01', { verdict: 'noncompliant', severity: 'major' }],
      ['S02', { verdict: 'partial' }],
    ]);
    expect(f.maxInFlight()).toBe(1);
  });

  it('with a backend that answers later requests sooner, the disk ends with the last change of every item', async () => {
    // Were two requests in flight, the second (faster) one would land first and the first would overwrite it.
    const disk = new Map<string, Patch>();
    let n = 0;
    const q = new SaveQueue<Patch, string>({
      delayMs: 0,
      send: (key, patch) =>
        new Promise((resolve) => {
          const delay = [9, 1, 5, 0, 7, 3][n++ % 6];
          setTimeout(() => {
            disk.set(key, { ...disk.get(key), ...patch });
            resolve(key);
          }, delay);
        }),
    });
    const made: Array<[string, Patch]> = [
      ['S01', { verdict: 'compliant' }],
      ['S02', { verdict: 'partial' }],
      ['S01', { verdict: 'noncompliant' }],
      ['S02', { finding: '留样不足' }],
      ['S01', { severity: 'major' }],
      ['S02', { verdict: null }],
      ['S03', { verdict: 'compliant' }],
      ['S01', { verdict: 'partial' }],
    ];
    for (const [key, patch] of made) {
      q.change(key, patch);
      await new Promise((r) => setTimeout(r, 2));
    }
    await q.settled();
    expect(Object.fromEntries(disk)).toEqual({
      S01: { verdict: 'partial', severity: 'major' },
      S02: { verdict: null, finding: '留样不足' },
      S03: { verdict: 'compliant' },
    });
    for (const k of ['S01', 'S02', 'S03']) expect(q.state(k).status, k).toBe('saved');
  });

  it('is not saved while a newer change of the item is still waiting', async () => {
    const { q, f } = setup();
    q.change('S01', { verdict: 'noncompliant' });
    q.change('S01', { finding: '消防' }, { debounce: true });
    f.calls[0].resolve('ok');
    await tick();
    expect(q.state('S01').status).toBe('pending');
    expect(q.unsaved('S01')).toEqual(new Set(['finding']));
    expect(q.unsavedPatch('S01')).toEqual({ finding: '消防' });
    expect(q.unsavedPatch('S02')).toBeNull();
  });

  it('keeps a refused change, shows the error and sends it again with the next change', async () => {
    const { q, f } = setup();
    q.change('S01', { verdict: 'noncompliant', finding: '灭火器过期' });
    expect(q.unsavedPatch('S01')).toEqual({ verdict: 'noncompliant', finding: '灭火器过期' });
    f.calls[0].reject(refused);
    await tick();
    expect(q.state('S01')).toEqual({ status: 'error', error: refused });
    expect(q.unsavedPatch('S01')).toEqual({ verdict: 'noncompliant', finding: '灭火器过期' });
    expect(q.busy).toBe(true);
    expect(q.failed).toEqual(['S01']);
    q.change('S01', { severity: 'serious' });
    expect(f.calls[1].patch).toEqual({ verdict: 'noncompliant', finding: '灭火器过期', severity: 'serious' });
    f.calls[1].resolve('ok');
    await tick();
    expect(q.state('S01').status).toBe('saved');
    expect(q.busy).toBe(false);
  });

  it('lets newer input win over a refused change it is merged with', async () => {
    const { q, t, f } = setup();
    q.change('S01', { finding: 'old' });
    q.change('S01', { finding: 'new' }, { debounce: true });
    f.calls[0].reject(refused);
    await tick();
    expect(q.state('S01').status).toBe('error');
    t.fire();
    expect(f.calls[1].patch).toEqual({ finding: 'new' });
  });

  it('retries a refused change on request', async () => {
    const { q, f } = setup();
    q.change('S02', { verdict: 'partial' });
    f.calls[0].reject('command inspection_record not found');
    await tick();
    expect(q.state('S02').error?.code).toBe('internal');
    q.retry('S02');
    expect(q.state('S02').status).toBe('saving');
    expect(f.calls[1].patch).toEqual({ verdict: 'partial' });
  });

  it('turns a send that throws into a refusal', async () => {
    const q = new SaveQueue<Patch, string>({
      delayMs: 0,
      send: () => {
        throw new Error('boom');
      },
    });
    q.change('S01', { verdict: 'compliant' });
    await tick();
    expect(q.state('S01').status).toBe('error');
    expect(q.state('S01').error?.message).toBe('boom');
  });

  it('flush sends waiting text at once and resolves when it is on disk', async () => {
    const { q, t, f } = setup();
    q.change('S01', { finding: 'a' }, { debounce: true });
    q.change('S02', { finding: 'b' }, { debounce: true });
    let done = false;
    const flushed = q.flush().then(() => (done = true));
    expect(t.pending()).toBe(0);
    expect(f.calls.map((c) => c.key)).toEqual(['S01']);
    f.calls[0].resolve('1');
    await tick();
    expect(done).toBe(false);
    f.calls[1].resolve('2');
    await flushed;
    expect(done).toBe(true);
    expect(q.state('S02').status).toBe('saved');
  });

  it('reports the answer and what was sent, so the view knows what it may take over', async () => {
    const { q, f, saved, log } = setup();
    q.change('S01', { verdict: 'noncompliant' });
    f.calls[0].resolve('item');
    await tick();
    expect(saved).toEqual([['S01', 'item', { verdict: 'noncompliant' }]]);
    expect(log).toEqual([
      ['S01', 'pending'],
      ['S01', 'saving'],
      ['S01', 'saved'],
    ]);
  });

  it('an item never touched is idle', () => {
    const { q } = setup();
    expect(q.state('S09')).toEqual({ status: 'idle', error: null });
    expect(q.busy).toBe(false);
  });
});
