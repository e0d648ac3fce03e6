// Sends the changes of a checklist to the core, one request at a time, in the
// order they were made, and says per item whether they are on disk.
//
// The promise `inspection_record` returns resolves only once the change is
// durable, so an item reads `saved` only after every change made to it has
// resolved; until then it is `pending` (waiting to be sent) or `saving` (sent).
// A rejected change is kept: it goes out again with the next change to the
// same item, or on `retry`, and its fields never overwrite newer input.
//
// Text is debounced (a keystroke need not be a transaction); a choice
// (verdict, severity, scope) is sent at once and carries any text of the same
// item still waiting, so the two can never arrive out of order.
//
// Pure apart from the injected `send` and timers: tested without a window.

import type { IpcError } from '../bindings/IpcError';
import { normaliseError } from '../api/errors';

export type SaveStatus = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface SaveState {
  status: SaveStatus;
  /** The last rejection, while `status` is `error`. */
  error: IpcError | null;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SaveQueueOptions<P extends object, R> {
  send: (key: string, patch: P) => Promise<R>;
  /** How long text waits for the next keystroke. */
  delayMs: number;
  timers?: Timers;
  /** Called whenever an item's state changes. */
  onState?: (key: string, state: SaveState) => void;
  /** Called with the core's answer to a change that was saved. */
  onSaved?: (key: string, result: R, sent: P) => void;
}

export class SaveQueue<P extends object, R> {
  private readonly opts: SaveQueueOptions<P, R>;
  private readonly timers: Timers;
  /** Changes not yet sent, merged per item (newer fields win). */
  private readonly waiting = new Map<string, P>();
  private readonly debounce = new Map<string, unknown>();
  /** Items whose waiting changes may go out, in the order they became ready. */
  private readonly ready: string[] = [];
  private inFlight: { key: string; patch: P } | null = null;
  private readonly states = new Map<string, SaveState>();
  private settledWaiters: Array<() => void> = [];

  constructor(opts: SaveQueueOptions<P, R>) {
    this.opts = opts;
    this.timers = opts.timers ?? realTimers;
  }

  /** Records a change. `debounce` for text; a choice goes out at once. */
  change(key: string, patch: P, { debounce = false }: { debounce?: boolean } = {}): void {
    this.waiting.set(key, { ...(this.waiting.get(key) ?? ({} as P)), ...patch });
    if (this.states.get(key)?.status !== 'error' || !debounce) this.setState(key, 'pending');
    if (debounce) {
      this.clearTimer(key);
      this.debounce.set(
        key,
        this.timers.set(() => {
          this.debounce.delete(key);
          this.makeReady(key);
        }, this.opts.delayMs),
      );
    } else {
      this.clearTimer(key);
      this.makeReady(key);
    }
  }

  /** Sends waiting text now (on blur, on leaving the item); resolves once nothing is left to send or in flight. */
  flush(key?: string): Promise<void> {
    const keys = key === undefined ? [...this.debounce.keys()] : [key];
    for (const k of keys) {
      if (this.debounce.has(k)) {
        this.clearTimer(k);
        this.makeReady(k);
      }
    }
    return this.settled();
  }

  /** Sends a rejected change again. */
  retry(key: string): void {
    if (this.waiting.has(key)) {
      this.clearTimer(key);
      this.setState(key, 'pending');
      this.makeReady(key);
    }
  }

  state(key: string): SaveState {
    return this.states.get(key) ?? { status: 'idle', error: null };
  }

  /** The fields of an item that the core's answer must not overwrite: not yet saved. */
  unsaved(key: string): Set<string> {
    return new Set(Object.keys(this.unsavedPatch(key) ?? {}));
  }

  /** Everything of an item not on disk yet (in flight, waiting or refused), newest values winning; `null` when nothing. */
  unsavedPatch(key: string): P | null {
    const flying = this.inFlight?.key === key ? this.inFlight.patch : null;
    const waiting = this.waiting.get(key) ?? null;
    if (!flying && !waiting) return null;
    return { ...(flying ?? ({} as P)), ...(waiting ?? ({} as P)) };
  }

  /** Anything waiting, queued or in flight. */
  get busy(): boolean {
    return this.inFlight !== null || this.waiting.size > 0;
  }

  /** Items with a change the core refused. */
  get failed(): string[] {
    return [...this.states].filter(([, s]) => s.status === 'error').map(([k]) => k);
  }

  /** Resolves when nothing is in flight or ready to go (debounced text and refused changes may still wait). */
  settled(): Promise<void> {
    if (!this.inFlight && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private clearTimer(key: string) {
    if (this.debounce.has(key)) {
      this.timers.clear(this.debounce.get(key));
      this.debounce.delete(key);
    }
  }

  private makeReady(key: string) {
    if (!this.ready.includes(key)) this.ready.push(key);
    this.pump();
  }

  private pump() {
    if (this.inFlight) return;
    let key: string | undefined;
    while ((key = this.ready.shift()) !== undefined) {
      const patch = this.waiting.get(key);
      if (patch) break;
    }
    if (key === undefined) {
      const waiters = this.settledWaiters;
      this.settledWaiters = [];
      for (const w of waiters) w();
      return;
    }
    const patch = this.waiting.get(key)!;
    this.waiting.delete(key);
    this.inFlight = { key, patch };
    this.setState(key, 'saving');
    const sending = key;
    let promise: Promise<R>;
    try {
      promise = this.opts.send(sending, patch);
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (result) => this.done(sending, patch, result),
      (err) => this.failed_(sending, patch, err),
    );
  }

  private done(key: string, patch: P, result: R) {
    this.inFlight = null;
    const more = this.waiting.has(key);
    this.setState(key, more ? 'pending' : 'saved');
    this.opts.onSaved?.(key, result, patch);
    this.pump();
  }

  private failed_(key: string, patch: P, err: unknown) {
    this.inFlight = null;
    // Keep what failed, under anything typed since.
    this.waiting.set(key, { ...patch, ...(this.waiting.get(key) ?? ({} as P)) });
    this.setState(key, 'error', normaliseError(err));
    this.pump();
  }

  private setState(key: string, status: SaveStatus, error: IpcError | null = null) {
    const state = { status, error };
    this.states.set(key, state);
    this.opts.onState?.(key, state);
  }
}
