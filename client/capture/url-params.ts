/**
 * Values of a URL's query and fragment parameters whose names read like a
 * secret (`?password=…`, `&cvc=…`, `#ssn=…`), masked. A form sent with
 * method GET puts every field in the next page's URL, masked fields
 * included (a checkout submitted with Enter: `?cvc=123&password=Hunter2`),
 * and pages echo their own URL in links; the number rule alone would let a
 * password or a 3-digit CVC through. The rest of the URL is kept as written.
 */

/** One `name=value` pair of a query or fragment (its separator, name and value). */
const PARAM = /([?&;#])([^=&;#]*)=([^&;#]*)/g;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** `url` with the value of every parameter whose name `isSensitiveName` accepts replaced by `mask(value)`. */
export function maskSensitiveParams(
  url: string,
  isSensitiveName: (name: string) => boolean,
  mask: (value: string) => string,
): string {
  if (!url.includes('=')) return url;
  return url.replace(PARAM, (whole, separator: string, name: string, value: string) =>
    value !== '' && isSensitiveName(decodedName(name)) ? `${separator}${name}=${mask(value)}` : whole,
  );
}
