/**
 * The form in which titles, descriptions and queries are compared: NFKC (so a precomposed "é" and
 * "e" + combining accent, or "ﬁ" and "fi", are the same text), then case-folded. Lower, upper,
 * then lower again folds what lower-casing alone misses: "ß", "ẞ" and "SS" all become "ss".
 * Then the few folds no case mapping does: final "ς" is "σ", and "İ" (lower-cased to "i" plus a
 * combining dot) is "i", so "İstanbul" matches "istanbul". Accents stay significant: in many
 * languages they tell words apart.
 */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .toUpperCase()
    .toLowerCase()
    .replace(/i\u0307/g, 'i')
    .replace(/ς/g, 'σ')
    .normalize('NFKC');
}
