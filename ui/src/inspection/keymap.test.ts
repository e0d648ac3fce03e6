import { describe, expect, it } from 'vitest';

import { keyAction, type KeyContext, type KeyPress } from './keymap';

const base: KeyContext = { focus: 'none', prefix: null, readOnly: false, blocked: false, helpOpen: false };
const press = (key: string, ctx: Partial<KeyContext> = {}, mods: Partial<KeyPress> = {}) =>
  keyAction({ key, ...mods }, { ...base, ...ctx });

describe('keyAction on the item', () => {
  it.each([
    ['1', 'compliant'],
    ['2', 'partial'],
    ['3', 'noncompliant'],
    ['4', 'not_applicable'],
  ])('%s gives the verdict %s', (key, verdict) => {
    expect(press(key)).toEqual({ action: { kind: 'verdict', verdict }, prefix: null, handled: true });
  });

  it.each([
    ['j', 'next'],
    ['ArrowDown', 'next'],
    ['Enter', 'next'],
    ['k', 'prev'],
    ['ArrowUp', 'prev'],
    ['n', 'nextUnanswered'],
    ['/', 'search'],
    ['f', 'focusFinding'],
    ['a', 'attach'],
    ['m', 'toggleMode'],
    ['?', 'toggleHelp'],
  ])('%s is %s', (key, kind) => {
    expect(press(key).action).toEqual({ kind });
    expect(press(key).handled).toBe(true);
  });

  it('reads letters whatever Caps Lock says', () => {
    expect(press('J').action).toEqual({ kind: 'next' });
    expect(press('N').action).toEqual({ kind: 'nextUnanswered' });
  });

  it('ignores keys it does not know, and leaves them to the page', () => {
    expect(press('x')).toEqual({ action: null, prefix: null, handled: false });
    expect(press('Tab')).toEqual({ action: null, prefix: null, handled: false });
    expect(press('5')).toEqual({ action: null, prefix: null, handled: false });
  });

  it('leaves browser and system shortcuts alone', () => {
    expect(press('1', {}, { ctrl: true }).action).toBeNull();
    expect(press('j', {}, { alt: true }).action).toBeNull();
    expect(press('c', {}, { meta: true }).handled).toBe(false);
  });

  it('lets Enter press a focused button instead of moving on', () => {
    expect(press('Enter', { focus: 'control' })).toEqual({ action: null, prefix: null, handled: false });
    expect(press('j', { focus: 'control' }).action).toEqual({ kind: 'next' });
    expect(press('2', { focus: 'control' }).action).toEqual({ kind: 'verdict', verdict: 'partial' });
  });

  it('Esc closes the help, and is left alone otherwise', () => {
    expect(press('Escape', { helpOpen: true }).action).toEqual({ kind: 'closeHelp' });
    expect(press('Escape').handled).toBe(false);
  });
});

describe('two-key commands', () => {
  it.each([
    ['p', 'phrase'],
    ['s', 'severity'],
    ['c', 'scope'],
  ])('%s waits for a second key', (key, prefix) => {
    expect(press(key)).toEqual({ action: null, prefix, handled: true });
  });

  it('p then a digit picks a quick phrase, 0 the tenth', () => {
    expect(press('1', { prefix: 'phrase' })).toEqual({ action: { kind: 'phrase', index: 0 }, prefix: null, handled: true });
    expect(press('9', { prefix: 'phrase' }).action).toEqual({ kind: 'phrase', index: 8 });
    expect(press('0', { prefix: 'phrase' }).action).toEqual({ kind: 'phrase', index: 9 });
  });

  it('s then 1–3 is a severity; c then 1–3 a scope', () => {
    expect(press('1', { prefix: 'severity' }).action).toEqual({ kind: 'severity', severity: 'general' });
    expect(press('2', { prefix: 'severity' }).action).toEqual({ kind: 'severity', severity: 'serious' });
    expect(press('3', { prefix: 'severity' }).action).toEqual({ kind: 'severity', severity: 'major' });
    expect(press('1', { prefix: 'scope' }).action).toEqual({ kind: 'scope', scope: 'individual' });
    expect(press('2', { prefix: 'scope' }).action).toEqual({ kind: 'scope', scope: 'partial' });
    expect(press('3', { prefix: 'scope' }).action).toEqual({ kind: 'scope', scope: 'widespread' });
  });

  it('a digit after s is not a verdict', () => {
    expect(press('1', { prefix: 'severity' }).action).not.toEqual({ kind: 'verdict', verdict: 'compliant' });
  });

  it('any other second key cancels and does nothing else', () => {
    expect(press('4', { prefix: 'severity' })).toEqual({ action: null, prefix: null, handled: true });
    expect(press('j', { prefix: 'phrase' })).toEqual({ action: null, prefix: null, handled: true });
    expect(press('Escape', { prefix: 'scope' })).toEqual({ action: null, prefix: null, handled: true });
  });

  it('Shift on its way to a character keeps the prefix', () => {
    expect(press('Shift', { prefix: 'phrase' })).toEqual({ action: null, prefix: 'phrase', handled: false });
  });
});

describe('while typing', () => {
  it('keys belong to the text field', () => {
    for (const key of ['1', '3', 'j', 'k', 'n', '/', 'f', 'p', 's', 'c', 'a', '?', 'Enter', 'ArrowDown']) {
      expect(press(key, { focus: 'text' }), key).toEqual({ action: null, prefix: null, handled: false });
    }
  });

  it('except Esc, which leaves the field, and Ctrl+Enter, which saves and moves on', () => {
    expect(press('Escape', { focus: 'text' }).action).toEqual({ kind: 'leaveField' });
    expect(press('Enter', { focus: 'text' }, { ctrl: true }).action).toEqual({ kind: 'saveAndNext' });
    expect(press('Enter', { focus: 'text' }, { meta: true }).action).toEqual({ kind: 'saveAndNext' });
  });

  it('an input method composing owns every key, Esc included', () => {
    expect(press('Escape', { focus: 'text' }, { composing: true }).action).toBeNull();
    expect(press('1', {}, { composing: true }).action).toBeNull();
  });
});

describe('a signed inspection', () => {
  const ro = { readOnly: true };

  it('still moves around', () => {
    expect(press('j', ro).action).toEqual({ kind: 'next' });
    expect(press('n', ro).action).toEqual({ kind: 'nextUnanswered' });
    expect(press('/', ro).action).toEqual({ kind: 'search' });
    expect(press('?', ro).action).toEqual({ kind: 'toggleHelp' });
  });

  it('changes nothing', () => {
    for (const key of ['1', '2', '3', '4', 'f', 'a', 'p', 's', 'c']) {
      const r = press(key, ro);
      expect(r.action, key).toBeNull();
      expect(r.prefix, key).toBeNull();
    }
    expect(press('Enter', { ...ro, focus: 'text' }, { ctrl: true }).action).toEqual({ kind: 'next' });
  });
});

it('does nothing while a dialog owns the keyboard', () => {
  for (const key of ['1', 'j', 'Escape', '?']) {
    expect(press(key, { blocked: true }), key).toEqual({ action: null, prefix: null, handled: false });
  }
});
