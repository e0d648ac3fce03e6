// Evidence files as the UI hands them to `inspection_attach`: checked for
// type and size before anything is read (a 200 MB video should not be loaded
// into memory only to be refused), then read as base64 without the `data:`
// prefix. The core checks again and decides; this only spares a round trip.

export const EVIDENCE_ACCEPT = '.jpg,.jpeg,.png,.pdf';
/** The core's limit (docs/ipc.md: ≤ 30 MB). */
export const MAX_EVIDENCE_BYTES = 30 * 1024 * 1024;

export type EvidenceProblem = 'empty' | 'too_big' | 'type';

const EXTENSIONS = /\.(jpe?g|png|pdf)$/i;

/** Why a file cannot be attached, or `null` when it may be sent. */
export function checkEvidence(file: { name: string; size: number }): EvidenceProblem | null {
  if (!EXTENSIONS.test(file.name)) return 'type';
  if (file.size === 0) return 'empty';
  if (file.size > MAX_EVIDENCE_BYTES) return 'too_big';
  return null;
}

/** The base64 part of a `data:…;base64,` URL. */
export function stripDataUrl(url: string): string {
  const at = url.indexOf(';base64,');
  if (!url.startsWith('data:') || at < 0) throw new Error('not a base64 data URL');
  return url.slice(at + ';base64,'.length);
}

/** The part of FileReader this module uses; injected in tests. */
export interface ReaderLike {
  result: string | ArrayBuffer | null;
  error: unknown;
  onload: ((this: ReaderLike, ev: unknown) => unknown) | null;
  onerror: ((this: ReaderLike, ev: unknown) => unknown) | null;
  readAsDataURL(blob: Blob): void;
}

/** Reads a file as base64 (no prefix). Rejects with an `Error` when the file cannot be read. */
export function readBase64(file: Blob, makeReader: () => ReaderLike = () => new FileReader() as unknown as ReaderLike): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = makeReader();
    reader.onload = () => {
      try {
        if (typeof reader.result !== 'string') throw new Error('the file was not read as text');
        resolve(stripDataUrl(reader.result));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    reader.onerror = () => {
      const err = reader.error;
      reject(err instanceof Error ? err : new Error(err ? String(err) : 'the file could not be read'));
    };
    reader.readAsDataURL(file);
  });
}
