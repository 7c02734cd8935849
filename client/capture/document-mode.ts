/**
 * A document's rendering mode, for the mirror. The mirror picks its
 * documents' mode from the doctype it is sent (a doctype: standards mode),
 * which is wrong for two kinds of page: a srcdoc iframe's document is never
 * in quirks mode, doctype or not, and a legacy doctype (HTML 4.01
 * Transitional without a system identifier, for one) puts a page in quirks
 * mode. The mode is sent only where the doctype would mislead.
 */

/** `true` (quirks) or `false` (standards) when the doctype alone would give the other mode; undefined otherwise. */
export function quirksWhereDoctypeMisleads(doc: Document): boolean | undefined {
  const quirks = doc.compatMode === 'BackCompat';
  const hasDoctype = doc.doctype !== null;
  return quirks === !hasDoctype ? undefined : quirks;
}
