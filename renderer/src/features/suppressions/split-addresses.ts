/** One address a line (or separated by commas or spaces). */
export function splitAddresses(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * A long pasted list in requests that each fit the contract (at most 10,000 addresses) and one
 * WebSocket frame (1 MiB): at most `maxChars` characters a batch, which is under 1 MiB however
 * the JSON escapes or encodes them.
 */
export function addressBatches(addresses: readonly string[], maxCount = 5_000, maxChars = 256 * 1024): string[][] {
  const out: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const a of addresses) {
    // Its quotes and comma in the frame.
    const size = a.length + 3;
    if (batch.length > 0 && (batch.length >= maxCount || chars + size > maxChars)) {
      out.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(a);
    chars += size;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}
