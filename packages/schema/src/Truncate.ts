/**
 * Cutting text to a UTF-8 byte budget without splitting a character.
 *
 * @since 0.1.0
 */

/**
 * Appended to text that was cut.
 *
 * @since 0.1.0
 * @category text
 */
export const marker = "…"

/**
 * What {@link utf8} returns.
 *
 * @since 0.1.0
 * @category models
 */
export interface Truncated {
  readonly text: string
  readonly truncated: boolean
}

/**
 * Cuts `input` to at most `maxBytes` UTF-8 bytes at a character boundary and appends
 * {@link marker} when it cut. Lone surrogates (text that is not valid Unicode) become
 * U+FFFD first, so the result always encodes to valid UTF-8.
 *
 * @since 0.1.0
 * @category text
 */
export const utf8 = (input: string, maxBytes: number): Truncated => {
  const text = input.isWellFormed() ? input : input.toWellFormed()
  // Every UTF-16 code unit encodes to at most 3 UTF-8 bytes.
  if (text.length * 3 <= maxBytes) return { text, truncated: false }
  let bytes = 0
  let end = 0
  while (end < text.length) {
    const code = text.codePointAt(end)!
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    if (bytes + size > maxBytes) return { text: text.slice(0, end) + marker, truncated: true }
    bytes += size
    end += code >= 0x10000 ? 2 : 1
  }
  return { text, truncated: false }
}

/**
 * Whether {@link utf8} would return `input` unchanged: well-formed and surely within
 * `maxBytes` (every UTF-16 unit takes at most 3 UTF-8 bytes). A cheap check that allocates
 * nothing; `false` only means {@link utf8} has to look.
 *
 * @since 0.1.0
 * @category text
 */
export const fits = (input: string, maxBytes: number): boolean => input.length * 3 <= maxBytes && input.isWellFormed()
