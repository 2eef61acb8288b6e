#!/usr/bin/env bash
# Static checks of the Dockerfile, since no Docker engine is available to build it here:
#   - every COPY source exists and is not left out of the build context by .dockerignore;
#   - the restore step copies the .csproj of every project the server references (transitively);
#   - the image and the Helm chart agree on the user ID and the ports.
# Prints one line per check, "dockerfile-check: N passed, N failed", then PASS or FAIL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$1"; }
bad() { failed=$((failed + 1)); printf '  FAIL %s\n' "$1"; }

# COPY lines of the build context (not --from=stage), sources only.
copy_sources() {
  grep -E '^COPY ' Dockerfile | grep -v -- '--from=' | while read -r _ rest; do
    read -r -a words <<<"$rest"
    unset 'words[${#words[@]}-1]'
    printf '%s\n' "${words[@]}"
  done
}

# Whether .dockerignore leaves a path out (top-level names and **/name patterns, as written there).
ignored() {
  local path="${1%/}" pattern
  while read -r pattern; do
    [[ -z "$pattern" || "$pattern" == \#* ]] && continue
    pattern="${pattern%/}"
    if [[ "$pattern" == '**/'* ]]; then
      local leaf="${pattern#\*\*/}"
      # shellcheck disable=SC2053
      [[ "/$path" == */$leaf || "/$path" == */$leaf/* ]] && return 0
    else
      # shellcheck disable=SC2053
      [[ "$path" == $pattern || "$path" == $pattern/* ]] && return 0
    fi
  done <.dockerignore
  return 1
}

for src in $(copy_sources); do
  if [[ ! -e "$src" ]]; then bad "COPY $src: no such file in the repository"
  elif ignored "$src"; then bad "COPY $src: left out of the build context by .dockerignore"
  else ok "COPY $src"; fi
done

# Project references of the server, transitively.
declare -A seen=()
walk() {
  local proj="$1" ref dir
  [[ -n "${seen[$proj]:-}" ]] && return
  seen[$proj]=1
  dir="$(dirname "$proj")"
  while read -r ref; do
    ref="${ref//\\//}"
    walk "$(realpath --relative-to=. "$dir/$ref")"
  done < <(grep -oE '<ProjectReference Include="[^"]+"' "$proj" | sed -E 's/.*Include="([^"]+)"/\1/')
}
walk src/OrleansKv.Server/OrleansKv.Server.csproj
copied="$(copy_sources)"
for proj in "${!seen[@]}"; do
  if grep -qxF "$proj" <<<"$copied"; then ok "restore step copies $proj"
  else bad "restore step lacks $proj (the server references it): add a COPY line before dotnet restore"; fi
done

chart_uid="$(grep -E '^  runAsUser:' helm/orleans-kv/values.yaml | head -n 1 | awk '{print $2}')"
if grep -qE "^USER ${chart_uid}(:|$)" Dockerfile; then ok "USER matches the chart's runAsUser ($chart_uid)"
else bad "Dockerfile USER is not the chart's podSecurityContext.runAsUser ($chart_uid)"; fi

for port in http grpc silo; do
  value="$(sed -n '/^ports:/,/^[^ ]/p' helm/orleans-kv/values.yaml | grep -E "^  $port:" | awk '{print $2}')"
  if grep -qE "^EXPOSE .*\b$value\b" Dockerfile; then ok "EXPOSE has the chart's $port port ($value)"
  else bad "EXPOSE lacks the chart's $port port ($value)"; fi
done

for setting in 'BIND_ADDRESS=0.0.0.0' 'DATA_DIR=/data'; do
  if grep -qE "(ENV |^ +)$setting\b" Dockerfile; then ok "ENV $setting"; else bad "ENV $setting missing"; fi
done

echo "dockerfile-check: $passed passed, $failed failed"
if ((failed)); then
  echo "FAIL"
  exit 1
fi
echo "PASS"
