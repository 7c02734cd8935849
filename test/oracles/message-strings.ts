/** Every string inside decoded channel messages (values, texts, attribute values, CSS, URLs): what the leak finder reads. */
export function messageStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) messageStrings(item, out);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) messageStrings(item, out);
  return out;
}
