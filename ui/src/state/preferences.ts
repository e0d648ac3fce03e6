// Preferences of this computer's user, remembered in localStorage: large text
// for older deputies, and how the checklist is shown (one item or a list).

import { ref, watch } from 'vue';

const LARGE_TEXT_KEY = 'qingdan.largeText';
const MODE_KEY = 'qingdan.checklistMode';

export type ChecklistMode = 'focus' | 'list';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export const largeText = ref(storage()?.getItem(LARGE_TEXT_KEY) === '1');
export const checklistMode = ref<ChecklistMode>(storage()?.getItem(MODE_KEY) === 'list' ? 'list' : 'focus');

/** 大字模式: the class that raises every font and control size (styles/main.css). */
function applyLargeText(on: boolean) {
  if (typeof document !== 'undefined') document.documentElement.classList.toggle('qd-large', on);
}

applyLargeText(largeText.value);
watch(largeText, (on) => {
  storage()?.setItem(LARGE_TEXT_KEY, on ? '1' : '0');
  applyLargeText(on);
});
watch(checklistMode, (m) => storage()?.setItem(MODE_KEY, m));
