/** srcset parsing shared by the capture engine (absolute URLs) and the mirror (sanitizing). */

/** One image candidate of a srcset: its URL and its descriptors ("1x", "300w"), as the browser splits them. */
export interface SrcsetCandidate {
  url: string;
  descriptors: string;
}

/**
 * Splits a srcset the way the HTML parser does: a URL is a run of
 * non-whitespace (so the commas of a data: URL stay inside it), and a comma
 * only ends a candidate after its descriptors. Splitting on every comma cut
 * data: URLs in two, and the mirror then resolved the second half as a path.
 */
export function srcsetCandidates(value: string): SrcsetCandidate[] {
  const candidates: SrcsetCandidate[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && /[\s,]/.test(value[i] ?? '')) i++;
    if (i >= value.length) break;
    const urlStart = i;
    while (i < value.length && !/\s/.test(value[i] ?? '')) i++;
    let url = value.slice(urlStart, i);
    let descriptors = '';
    if (/,+$/.test(url)) {
      url = url.replace(/,+$/, '');
    } else {
      const descriptorStart = i;
      let depth = 0;
      while (i < value.length && (value[i] !== ',' || depth > 0)) {
        if (value[i] === '(') depth++;
        else if (value[i] === ')') depth = Math.max(0, depth - 1);
        i++;
      }
      descriptors = value.slice(descriptorStart, i).trim();
    }
    candidates.push({ url, descriptors });
  }
  return candidates;
}
