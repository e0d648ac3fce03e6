import { describe, expect, it } from 'vitest';

import { checkEvidence, MAX_EVIDENCE_BYTES, readBase64, stripDataUrl, type ReaderLike } from './evidenceFile';

/** A FileReader for Node, built on Blob and Buffer, that can also fail. */
function fakeReader(fail?: Error): () => ReaderLike {
  return () => {
    const r: ReaderLike = {
      result: null,
      error: null,
      onload: null,
      onerror: null,
      readAsDataURL(blob: Blob) {
        void blob.arrayBuffer().then((buf) => {
          if (fail) {
            r.error = fail;
            r.onerror?.call(r, {});
            return;
          }
          r.result = `data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(buf).toString('base64')}`;
          r.onload?.call(r, {});
        });
      },
    };
    return r;
  };
}

describe('readBase64', () => {
  it('gives the bytes as base64 without the data: prefix', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255]);
    const b64 = await readBase64(new Blob([png], { type: 'image/png' }), fakeReader());
    expect(b64).toBe('iVBORw0KGgoA/w==');
    expect(Buffer.from(b64, 'base64')).toEqual(Buffer.from(png));
  });

  it('reads a file without a type, and Chinese text, byte for byte', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4 养老 %%EOF');
    const b64 = await readBase64(new Blob([bytes]), fakeReader());
    expect(new TextDecoder().decode(Buffer.from(b64, 'base64'))).toBe('%PDF-1.4 养老 %%EOF');
  });

  it('rejects when the file cannot be read', async () => {
    await expect(readBase64(new Blob(['x']), fakeReader(new Error('NotReadableError')))).rejects.toThrow('NotReadableError');
  });
});

describe('stripDataUrl', () => {
  it('keeps only the payload', () => {
    expect(stripDataUrl('data:image/jpeg;base64,/9j/4AAQ')).toBe('/9j/4AAQ');
    expect(stripDataUrl('data:;base64,')).toBe('');
  });

  it('refuses what is not a base64 data URL', () => {
    expect(() => stripDataUrl('data:text/plain,hello')).toThrow();
    expect(() => stripDataUrl('iVBORw0KGgo=')).toThrow();
  });
});

describe('checkEvidence', () => {
  it('accepts photos and PDFs whatever the case of the extension', () => {
    for (const name of ['现场.jpg', 'a.JPEG', 'b.png', '台账.PDF']) expect(checkEvidence({ name, size: 10 }), name).toBeNull();
  });

  it('refuses other types, empty files and files over 30 MB', () => {
    expect(checkEvidence({ name: 'clip.mp4', size: 10 })).toBe('type');
    expect(checkEvidence({ name: 'photo.heic', size: 10 })).toBe('type');
    expect(checkEvidence({ name: 'jpg', size: 10 })).toBe('type');
    expect(checkEvidence({ name: 'a.jpg', size: 0 })).toBe('empty');
    expect(checkEvidence({ name: 'a.jpg', size: MAX_EVIDENCE_BYTES })).toBeNull();
    expect(checkEvidence({ name: 'a.jpg', size: MAX_EVIDENCE_BYTES + 1 })).toBe('too_big');
  });
});
