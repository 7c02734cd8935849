/**
 * What UTF-8 makes of a string, written without the codec: each unpaired
 * surrogate becomes U+FFFD, pairs and everything else stay as they are.
 * The oracle of the wire's string round trips (node and browser tests).
 */
export function delivered(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text.slice(i, i + 2);
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) out += '\ufffd';
    else out += text.charAt(i);
  }
  return out;
}
