// What the whole window shows about the running program: its version, its
// database and the active catalog. Loaded once at start and on demand.

import { ref } from 'vue';

import { appInfo as fetchAppInfo } from '../api/app';
import { normaliseError } from '../api/errors';
import type { AppInfo } from '../bindings/AppInfo';
import type { IpcError } from '../bindings/IpcError';

export const appInfo = ref<AppInfo | null>(null);
export const appInfoError = ref<IpcError | null>(null);
export const appInfoLoading = ref(false);

export async function loadAppInfo(): Promise<void> {
  appInfoLoading.value = true;
  try {
    appInfo.value = await fetchAppInfo();
    appInfoError.value = null;
  } catch (e) {
    appInfoError.value = normaliseError(e);
  } finally {
    appInfoLoading.value = false;
  }
}

/**
 * The name this computer's user goes by in the change log
 * (`AppInfo.user_name`); `null` while unknown or unset.
 */
export function userName(): string | null {
  const name = appInfo.value?.user_name?.trim();
  return name ? name : null;
}
