/**
 * What each input of a minified bundle costs after gzip (bench/size.ts). The metafile gives an input's
 * minified bytes only; gzip codes the bundle as a whole, so an input's share is estimated as its marginal
 * cost: gzip of the whole bundle minus gzip of the bundle with that input's bytes taken out. Which output
 * bytes came from which input is read from the bundle's source map (every byte up to the next mapping is
 * its mapping's source). Marginal costs add up to a little less than the whole (what two inputs share,
 * such as the names they both use, counts for neither).
 */
import { gzipSync } from 'node:zlib';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source map segment's fields (base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    fields.push((value & 1) === 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

export interface SourceMapJson {
  sources: string[];
  mappings: string;
}

/** For each byte of `code`, the index of its source in `map.sources` (-1 before the first mapping). */
export function byteSources(code: Uint8Array, map: SourceMapJson): Int32Array {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === 10) lineStarts.push(i + 1);
  const starts: Array<[number, number]> = [];
  let source = 0;
  const lines = map.mappings.split(';');
  for (let line = 0; line < lines.length; line++) {
    let column = 0;
    for (const segment of (lines[line] ?? '').split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (fields.length > 1) source += fields[1] ?? 0;
      // Columns count UTF-16 units; the bundles are ASCII but for a few strings, so bytes are close enough.
      starts.push([(lineStarts[line] ?? 0) + column, fields.length > 1 ? source : -1]);
    }
  }
  starts.sort((a, b) => a[0] - b[0]);
  const owners = new Int32Array(code.length).fill(-1);
  let current = -1;
  for (let i = 0; i < starts.length; i++) {
    const [start, owner] = starts[i] as [number, number];
    if (owner >= 0) current = owner;
    const end = Math.min(code.length, starts[i + 1]?.[0] ?? code.length);
    owners.fill(current, start, end);
  }
  return owners;
}

export interface InputCost {
  /** The input's group (a package, or a file of ours). */
  input: string;
  /** Its bytes in the minified bundle. */
  bytes: number;
  /** What it adds to the bundle's gzip (level 9). */
  gzipBytes: number;
}

/**
 * The inputs of a minified bundle grouped by `groupOf` (of each source map source: a package's own
 * sources map to theirs, e.g. rrweb's bundled rrweb-snapshot), heaviest first by minified bytes, the
 * `count` heaviest with their marginal gzip bytes. Bytes before the first mapping count as "(unmapped)".
 */
export function inputCosts(
  code: Uint8Array,
  map: SourceMapJson,
  groupOf: (source: string) => string,
  count: number,
): InputCost[] {
  const owners = byteSources(code, map);
  const groups = map.sources.map(groupOf);
  const groupAt = (i: number): string => {
    const owner = owners[i] ?? -1;
    return owner < 0 ? '(unmapped)' : (groups[owner] ?? '(unmapped)');
  };
  const bytes = new Map<string, number>();
  for (let i = 0; i < code.length; i++) bytes.set(groupAt(i), (bytes.get(groupAt(i)) ?? 0) + 1);
  const total = gzipSync(code, { level: 9 }).length;
  const heaviest = [...bytes.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  return heaviest.map(([input, inputBytes]) => {
    const rest = new Uint8Array(code.length - inputBytes);
    let length = 0;
    for (let i = 0; i < code.length; i++) if (groupAt(i) !== input) rest[length++] = code[i] ?? 0;
    return { input, bytes: inputBytes, gzipBytes: total - gzipSync(rest, { level: 9 }).length };
  });
}
