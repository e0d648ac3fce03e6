// One "save a file" action of a view: busy while the app writes it, then the
// file written or the refusal, for SavedFileBar to show.

import { ref } from 'vue';

import { normaliseError } from '../api/errors';
import type { IpcError } from '../bindings/IpcError';
import type { SavedFile } from '../bindings/SavedFile';

export function useSaving() {
  const saving = ref(false);
  const saved = ref<SavedFile | null>(null);
  const error = ref<IpcError | null>(null);
  async function save(write: () => Promise<SavedFile>) {
    saving.value = true;
    saved.value = null;
    error.value = null;
    try {
      saved.value = await write();
    } catch (e) {
      error.value = normaliseError(e);
    } finally {
      saving.value = false;
    }
  }
  function clear() {
    saved.value = null;
    error.value = null;
  }
  return { saving, saved, error, save, clear };
}
