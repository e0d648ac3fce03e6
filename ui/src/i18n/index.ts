// The UI language: Chinese by default, English on request, remembered in
// localStorage. `t` looks a key up in the current dictionary and fills
// `{name}` placeholders; there is no plural machinery, none is needed for zh.

import { ref } from 'vue';

import { en } from './en';
import { zh, type MessageKey, type Messages } from './zh';

export type Lang = 'zh' | 'en';
export type { MessageKey, Messages };

export const dictionaries: Readonly<Record<Lang, Messages>> = { zh, en };

const STORAGE_KEY = 'qingdan.lang';

export function parseLang(raw: unknown): Lang {
  return raw === 'en' ? 'en' : 'zh';
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export const lang = ref<Lang>(parseLang(storage()?.getItem(STORAGE_KEY)));

export function setLang(next: Lang): void {
  lang.value = next;
  storage()?.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export type Params = Readonly<Record<string, string | number>>;

export function translate(dict: Messages, key: MessageKey, params?: Params): string {
  const text = dict[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Params): string {
  return translate(dictionaries[lang.value], key, params);
}

/**
 * Splits a text around one placeholder, for templates that render the value in
 * its own element (a count that tests read as a bare number).
 */
export function around(key: MessageKey, name: string): [string, string] {
  const text = dictionaries[lang.value][key];
  const at = text.indexOf(`{${name}}`);
  if (at < 0) return [text, ''];
  return [text.slice(0, at), text.slice(at + name.length + 2)];
}
