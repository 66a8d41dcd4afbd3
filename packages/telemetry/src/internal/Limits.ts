// The backends' documented limits. VictoriaLogs ignores a record with a field name over
// 128 bytes, keeps at most 1000 fields per record, and rejects very large records;
// VictoriaMetrics makes every resource attribute a label. Our own fields are bounded by the
// catalogue (names, byte limits; the tests check the limits hold for any input); what the
// user hands us (OTEL_RESOURCE_ATTRIBUTES) is bounded here.
import { Correlation, Redact, Truncate } from "@gastown-otel/schema"

export const victoriaLogs = { maxFieldNameBytes: 128, maxFields: 1000 } as const

export const maxResourceAttributes = 32
// Resource attributes become labels in VictoriaMetrics: the same cut as label values.
export const maxResourceValueBytes = Correlation.maxValueBytes

/** Resource attributes within the limits (values redacted and cut), and the keys left out. */
export const resource = (
  attributes: ReadonlyArray<readonly [string, string]>
): { readonly kept: ReadonlyArray<readonly [string, string]>; readonly dropped: ReadonlyArray<string> } => {
  const kept: Array<readonly [string, string]> = []
  const dropped: Array<string> = []
  for (const [key, value] of attributes) {
    if (Buffer.byteLength(key) > victoriaLogs.maxFieldNameBytes || kept.length >= maxResourceAttributes) {
      dropped.push(key)
      continue
    }
    const safe = Redact.isSecretName(key) ? Redact.mask : Redact.secrets(Redact.window(value, maxResourceValueBytes))
    kept.push([key, Truncate.utf8(safe, maxResourceValueBytes).text])
  }
  return { kept, dropped }
}
