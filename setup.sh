# shellcheck shell=bash
# Points gt, bd and Claude Code at the local stack (docker-compose.yml). Source it, in bash or zsh:
#
#   source setup.sh
#
# It exports the endpoints (docs/contract.md#configuration) and the Claude Code telemetry variables
# (docs/contract.md#claude-code-sessions), keeping any value already set, then says whether VictoriaMetrics and
# VictoriaLogs answer. Prompt and tool content stay off: export OTEL_LOG_USER_PROMPTS=1 /
# OTEL_LOG_TOOL_CONTENT=1 to opt in.
#
# It is sourced into your shell, so it never calls `exit` or `set -e`, works under `set -u`, and
# leaves no helper function or variable behind.

if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]:-}" = "${0:-}" ]; then
  echo "setup.sh: run it as 'source setup.sh': executed, it cannot export into your shell" >&2
fi

# gt and bd (docs/contract.md#configuration): OTLP/HTTP protobuf to VictoriaMetrics and VictoriaLogs.
export GT_OTEL_METRICS_URL="${GT_OTEL_METRICS_URL:-http://localhost:8428/opentelemetry/api/v1/push}"
export GT_OTEL_LOGS_URL="${GT_OTEL_LOGS_URL:-http://localhost:9428/insert/opentelemetry/v1/logs}"
export BD_OTEL_METRICS_URL="${BD_OTEL_METRICS_URL:-$GT_OTEL_METRICS_URL}"
export BD_OTEL_LOGS_URL="${BD_OTEL_LOGS_URL:-$GT_OTEL_LOGS_URL}"

# Claude Code (docs/contract.md#claude-code-sessions): gt sets these for the sessions it starts; exported here,
# a `claude` started by hand reports to the stack too.
export CLAUDE_CODE_ENABLE_TELEMETRY="${CLAUDE_CODE_ENABLE_TELEMETRY:-1}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-otlp}"
export OTEL_METRIC_EXPORT_INTERVAL="${OTEL_METRIC_EXPORT_INTERVAL:-1000}"
export OTEL_EXPORTER_OTLP_METRICS_ENDPOINT="${OTEL_EXPORTER_OTLP_METRICS_ENDPOINT:-$GT_OTEL_METRICS_URL}"
export OTEL_EXPORTER_OTLP_METRICS_PROTOCOL="${OTEL_EXPORTER_OTLP_METRICS_PROTOCOL:-http/protobuf}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-otlp}"
export OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="${OTEL_EXPORTER_OTLP_LOGS_ENDPOINT:-$GT_OTEL_LOGS_URL}"
export OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="${OTEL_EXPORTER_OTLP_LOGS_PROTOCOL:-http/protobuf}"

echo "gastown-otel: GT_OTEL_METRICS_URL=$GT_OTEL_METRICS_URL"
echo "gastown-otel: GT_OTEL_LOGS_URL=$GT_OTEL_LOGS_URL"
echo "gastown-otel: BD_OTEL_METRICS_URL=$BD_OTEL_METRICS_URL"
echo "gastown-otel: BD_OTEL_LOGS_URL=$BD_OTEL_LOGS_URL"
echo "gastown-otel: Claude Code telemetry on (CLAUDE_CODE_ENABLE_TELEMETRY=$CLAUDE_CODE_ENABLE_TELEMETRY)"

# `scheme://host:port` of an endpoint URL: where its server answers /health.
__gastown_otel_origin() {
  __gastown_otel_rest="${1#*://}"
  printf '%s://%s' "${1%%://*}" "${__gastown_otel_rest%%/*}"
  unset __gastown_otel_rest
}

# Prints "answers" or "does not answer" for one server; short timeouts keep sourcing quick.
__gastown_otel_check() {
  if ! command -v curl >/dev/null 2>&1; then
    echo "gastown-otel: $1 $2: cannot check (no curl)"
    return 1
  fi
  if curl -fsS --connect-timeout 1 --max-time 2 -o /dev/null "$2/health" 2>/dev/null; then
    echo "gastown-otel: $1 $2 answers"
    return 0
  fi
  echo "gastown-otel: $1 $2 does not answer"
  return 1
}

__gastown_otel_up=1
__gastown_otel_check VictoriaMetrics "$(__gastown_otel_origin "$GT_OTEL_METRICS_URL")" || __gastown_otel_up=0
__gastown_otel_check VictoriaLogs "$(__gastown_otel_origin "$GT_OTEL_LOGS_URL")" || __gastown_otel_up=0
if [ "$__gastown_otel_up" = 1 ]; then
  echo "gastown-otel: the stack answers; Grafana: http://localhost:9429 (admin / \$GRAFANA_ADMIN_PASSWORD, default admin)"
else
  echo "gastown-otel: the stack does not answer: start it with 'docker compose up -d' in the gastown-otel checkout"
fi
unset __gastown_otel_up
unset -f __gastown_otel_origin __gastown_otel_check
