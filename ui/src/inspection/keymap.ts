// The keyboard of the checklist walker, as a pure function from a key press
// and the walker's state to one action. The view turns the action into what
// it does; this module knows nothing of the DOM, so the whole map is tested
// without a window. The help panel (ShortcutHelp.vue) lists the same keys.
//
// Two-key commands: `p` then a digit picks a quick phrase, `s` then 1–3 a
// severity, `c` then 1–3 a scope. While a text field has the focus, keys are
// the field's, except Esc (back to the item) and Ctrl+Enter (save and next).

import type { Scope } from '../bindings/Scope';
import type { Severity } from '../bindings/Severity';
import type { Verdict } from '../bindings/Verdict';

/** A two-key command waiting for its second key. */
export type Prefix = 'phrase' | 'severity' | 'scope';

/** What has the focus: a text field, another control (a button), or nothing in particular. */
export type FocusKind = 'text' | 'control' | 'none';

export interface KeyPress {
  key: string;
  ctrl?: boolean;
  meta?: boolean;
  alt?: boolean;
  /** An input method (拼音) is composing: the key belongs to it. */
  composing?: boolean;
}

export interface KeyContext {
  focus: FocusKind;
  prefix: Prefix | null;
  /** Signed: verdicts and texts are locked, moving around is not. */
  readOnly: boolean;
  /** A dialog is open and owns the keyboard. */
  blocked: boolean;
  helpOpen: boolean;
}

export type KeyAction =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'nextUnanswered' }
  | { kind: 'search' }
  | { kind: 'focusFinding' }
  | { kind: 'phrase'; index: number }
  | { kind: 'severity'; severity: Severity }
  | { kind: 'scope'; scope: Scope }
  | { kind: 'attach' }
  | { kind: 'toggleMode' }
  | { kind: 'toggleHelp' }
  | { kind: 'closeHelp' }
  | { kind: 'leaveField' }
  | { kind: 'saveAndNext' };

export interface KeyResult {
  action: KeyAction | null;
  /** The prefix after this key. */
  prefix: Prefix | null;
  /** The view should `preventDefault()`: the key was ours. */
  handled: boolean;
}

export const VERDICT_KEYS: Readonly<Record<string, Verdict>> = {
  '1': 'compliant',
  '2': 'partial',
  '3': 'noncompliant',
  '4': 'not_applicable',
};
export const SEVERITY_KEYS: Readonly<Record<string, Severity>> = { '1': 'general', '2': 'serious', '3': 'major' };
export const SCOPE_KEYS: Readonly<Record<string, Scope>> = { '1': 'individual', '2': 'partial', '3': 'widespread' };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'Fn', 'Dead', 'Process', 'Unidentified']);
/** Keys that change the record; refused on a signed inspection. */
const EDITING: ReadonlySet<KeyAction['kind']> = new Set([
  'verdict',
  'focusFinding',
  'phrase',
  'severity',
  'scope',
  'attach',
  'saveAndNext',
]);

const none = (prefix: Prefix | null = null, handled = false): KeyResult => ({ action: null, prefix, handled });
const act = (action: KeyAction): KeyResult => ({ action, prefix: null, handled: true });

export function keyAction(press: KeyPress, ctx: KeyContext): KeyResult {
  if (press.composing || MODIFIERS.has(press.key)) return none(ctx.prefix);
  if (ctx.blocked) return none();

  const command = !!(press.ctrl || press.meta);
  const result = ctx.focus === 'text' ? inField(press, command) : outsideField(press, ctx, command);
  if (result.action && ctx.readOnly && EDITING.has(result.action.kind)) {
    return result.action.kind === 'saveAndNext' ? act({ kind: 'next' }) : none(null, true);
  }
  return result;
}

function inField(press: KeyPress, command: boolean): KeyResult {
  if (press.key === 'Escape') return act({ kind: 'leaveField' });
  if (command && press.key === 'Enter') return act({ kind: 'saveAndNext' });
  return none();
}

function outsideField(press: KeyPress, ctx: KeyContext, command: boolean): KeyResult {
  if (command && press.key === 'Enter') return act({ kind: 'saveAndNext' });
  if (command || press.alt) return none();

  if (ctx.prefix) return second(press.key, ctx.prefix);

  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (key in VERDICT_KEYS) return act({ kind: 'verdict', verdict: VERDICT_KEYS[key] });
  switch (key) {
    case 'Escape':
      return ctx.helpOpen ? act({ kind: 'closeHelp' }) : none();
    case '?':
      return act({ kind: 'toggleHelp' });
    case 'j':
    case 'ArrowDown':
      return act({ kind: 'next' });
    case 'k':
    case 'ArrowUp':
      return act({ kind: 'prev' });
    case 'Enter':
      // On a button or a link, Enter presses it.
      return ctx.focus === 'control' ? none() : act({ kind: 'next' });
    case 'n':
      return act({ kind: 'nextUnanswered' });
    case '/':
      return act({ kind: 'search' });
    case 'f':
      return act({ kind: 'focusFinding' });
    case 'a':
      return act({ kind: 'attach' });
    case 'm':
      return act({ kind: 'toggleMode' });
    case 'p':
      return ctx.readOnly ? none(null, true) : none('phrase', true);
    case 's':
      return ctx.readOnly ? none(null, true) : none('severity', true);
    case 'c':
      return ctx.readOnly ? none(null, true) : none('scope', true);
    default:
      return none();
  }
}

/** The second key of a two-key command; anything else cancels it and does nothing more. */
function second(key: string, prefix: Prefix): KeyResult {
  if (prefix === 'phrase' && /^[0-9]$/.test(key)) {
    return act({ kind: 'phrase', index: key === '0' ? 9 : Number(key) - 1 });
  }
  if (prefix === 'severity' && key in SEVERITY_KEYS) return act({ kind: 'severity', severity: SEVERITY_KEYS[key] });
  if (prefix === 'scope' && key in SCOPE_KEYS) return act({ kind: 'scope', scope: SCOPE_KEYS[key] });
  return none(null, true);
}

/** What has the focus, from the element that has it. */
export function focusKindOf(el: Element | null): FocusKind {
  if (!el || el === document.body || el === document.documentElement) return 'none';
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return 'text';
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return ['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'range', 'color'].includes(type) ? 'control' : 'text';
  }
  if ((el as HTMLElement).isContentEditable) return 'text';
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return 'control';
  const role = el.getAttribute('role');
  if (role && ['button', 'link', 'option', 'menuitem', 'tab', 'checkbox', 'radio', 'switch'].includes(role)) return 'control';
  return 'none';
}
