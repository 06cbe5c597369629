/** A readable line diff of two texts (`-` expected, `+` actual), with a little context; empty when equal. */
export function textDiff(expected: string, actual: string, context = 2): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  // LCS table; golden trees are small (hundreds of lines).
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      (lcs[i] as Uint32Array)[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as Uint32Array)[j] as number, (lcs[i] as Uint32Array)[j + 1] as number);
    }
  }
  const ops: { op: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ op: ' ', text: a[i++] as string });
      j++;
    } else if (
      j < m &&
      (i >= n || ((lcs[i] as Uint32Array)[j + 1] as number) >= ((lcs[i + 1] as Uint32Array)[j] as number))
    )
      ops.push({ op: '+', text: b[j++] as string });
    else ops.push({ op: '-', text: a[i++] as string });
  }
  const keep = ops.map(
    (o, k) => o.op !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== ' '),
  );
  const out: string[] = [];
  ops.forEach((o, k) => {
    if (keep[k]) out.push(`${o.op} ${o.text}`);
    else if (keep[k - 1] === true) out.push('  …');
  });
  return out.join('\n');
}
