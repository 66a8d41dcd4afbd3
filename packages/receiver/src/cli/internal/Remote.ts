// The CLI's HTTP: requests to a receiver (or a real VictoriaMetrics / VictoriaLogs), whose
// failures become one line for the terminal: the server's own message when it answered an
// error, else why it could not be reached.
import { Effect, Stream } from "effect"
import { HttpClient, type HttpClientError, type HttpClientRequest, type HttpClientResponse } from "effect/http"
import { CliFailure, fail } from "./Failure.ts"

// The innermost cause's code or message: ECONNREFUSED says more than "fetch failed".
const rootCause = (error: unknown): string => {
  let current: unknown = error
  let text = String(error)
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code === "ECONNREFUSED" ? "connection refused" : code
    const message = (current as { message?: unknown }).message
    if (typeof message === "string") text = message
    current = (current as { cause?: unknown }).cause
  }
  return text
}

const target = (request: HttpClientRequest.HttpClientRequest) => {
  const url = new URL(request.url)
  return `${url.origin}${url.pathname}`
}

// What a server said in its error answer: Prometheus' `{"error": ...}`, else the text.
export const serverMessage = (body: string): string => {
  try {
    const json = JSON.parse(body) as { error?: unknown }
    if (typeof json.error === "string") return json.error
  } catch {
    // Not JSON: VictoriaLogs answers errors as plain text.
  }
  return body.trim()
}

// Sends `request`; a 2xx response is returned, anything else is a CliFailure.
export const send = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, CliFailure, HttpClient.HttpClient> =>
  HttpClient.execute(request).pipe(
    Effect.catch((error: HttpClientError.HttpClientError) =>
      Effect.fail(fail(`cannot reach ${target(request)}: ${rootCause(error.reason.cause ?? error)}`))
    ),
    Effect.flatMap((response) =>
      response.status >= 200 && response.status < 300
        ? Effect.succeed(response)
        : response.text.pipe(
            Effect.orElseSucceed(() => ""),
            Effect.flatMap((body) =>
              Effect.fail(fail(serverMessage(body) || `${target(request)} answered ${response.status}`))
            )
          )
    )
  )

// The body of a successful answer.
export const text = (request: HttpClientRequest.HttpClientRequest) =>
  send(request).pipe(
    Effect.flatMap((response) =>
      response.text.pipe(
        Effect.mapError((error) => fail(`cannot read the answer of ${target(request)}: ${rootCause(error)}`))
      )
    )
  )

// The non-empty lines of a successful answer, as they arrive (JSON lines, a live tail).
export const lines = (
  request: HttpClientRequest.HttpClientRequest
): Stream.Stream<string, CliFailure, HttpClient.HttpClient> =>
  Stream.unwrap(
    Effect.map(send(request), (response) =>
      response.stream.pipe(
        Stream.mapError((error): CliFailure => fail(`the answer of ${target(request)} broke off: ${rootCause(error)}`)),
        Stream.decodeText(),
        Stream.splitLines,
        Stream.filter((line) => line.trim() !== "")
      )
    )
  )
