// Evidence of a step of a problem (progress, rectified, verification): the
// files a person picked, checked as the inspection's evidence is checked
// (inspection/evidenceFile.ts) and read as base64 for the command.

import type { EvidenceUpload } from '../bindings/EvidenceUpload';
import { checkEvidence, readBase64, type EvidenceProblem } from '../inspection/evidenceFile';

/** The shell's limit on files of one step (docs/ipc.md). */
export const MAX_STEP_FILES = 10;

export interface Refused {
  name: string;
  problem: EvidenceProblem | 'too_many';
}

/** Splits picked files into those that may be sent and those refused, keeping at most `MAX_STEP_FILES`. */
export function sortPicked<F extends { name: string; size: number }>(already: number, picked: readonly F[]): { ok: F[]; refused: Refused[] } {
  const ok: F[] = [];
  const refused: Refused[] = [];
  for (const f of picked) {
    const problem = checkEvidence(f);
    if (problem) refused.push({ name: f.name, problem });
    else if (already + ok.length >= MAX_STEP_FILES) refused.push({ name: f.name, problem: 'too_many' });
    else ok.push(f);
  }
  return { ok, refused };
}

export async function toUploads(files: readonly File[]): Promise<EvidenceUpload[]> {
  const out: EvidenceUpload[] = [];
  for (const f of files) out.push({ name: f.name, data_base64: await readBase64(f) });
  return out;
}
