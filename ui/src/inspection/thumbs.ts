// Thumbnails of evidence, one request per file per window: a file is named by
// its sha256, so its thumbnail never changes.

import { evidenceThumbnail } from '../api/inspection';
import { normaliseError } from '../api/errors';

/** A photo's thumbnail, a file without one (a PDF), or one that could not be had. */
export type Thumb = { kind: 'image'; url: string } | { kind: 'file' } | { kind: 'broken' };

const thumbs = new Map<string, Promise<Thumb>>();

export function thumbnail(sha: string): Promise<Thumb> {
  let p = thumbs.get(sha);
  if (!p) {
    p = evidenceThumbnail(sha).then(
      (url): Thumb => ({ kind: 'image', url }),
      (e: unknown): Thumb => {
        const err = normaliseError(e);
        if (err.code === 'not_found') return { kind: 'file' };
        // Another failure may pass: forget it so that the next look asks again.
        thumbs.delete(sha);
        return { kind: 'broken' };
      },
    );
    thumbs.set(sha, p);
  }
  return p;
}
