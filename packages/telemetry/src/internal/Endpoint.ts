// An OTLP endpoint as this process reaches it (URL with its userinfo, headers with their
// values) and as anything on disk names it: the URL without userinfo, and which
// credentials a request to it was sent with, by kind only. A spooled request goes out with
// the credentials of the process that sends it, never with stored ones.
import type { Signal } from "./Spool.ts"

/**
 * What a request needs from whoever sends it: the names of the headers it was to carry and
 * whether its URL had userinfo. Not a credential: header names are the protocol's own words
 * (`authorization`, `x-api-key`), and a flag says only that a user and password were there.
 * Neither lets anyone authenticate, nor narrows a guess (no length, no hash, no prefix).
 */
export interface Needs {
  readonly headers: ReadonlyArray<string>
  readonly userinfo: boolean
}

export interface Endpoint {
  readonly signal: Signal
  /** The URL without userinfo: what the spool, file names and the state key are made from. */
  readonly id: string
  /** The URL to send to, userinfo included (node:http sends it as Basic auth). */
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly has: Needs
}

/** The URL without user and password, as the WHATWG URL parser writes it. */
export const withoutUserinfo = (url: string): string => {
  const parsed = new URL(url)
  parsed.username = ""
  parsed.password = ""
  return parsed.href
}

export const make = (signal: Signal, url: string, headers: Readonly<Record<string, string>>): Endpoint => {
  const parsed = new URL(url)
  return {
    signal,
    id: withoutUserinfo(url),
    url: parsed,
    headers,
    has: {
      headers: Object.keys(headers)
        .map((name) => name.toLowerCase())
        .toSorted(),
      userinfo: parsed.username !== "" || parsed.password !== ""
    }
  }
}

/** What `needs` asks for that `has` lacks, for the person reading why a request waits. */
export const lacking = (needs: Needs, has: Needs): ReadonlyArray<string> => [
  ...needs.headers.filter((name) => !has.headers.includes(name)).map((name) => `header ${name}`),
  ...(needs.userinfo && !has.userinfo ? ["URL userinfo"] : [])
]
