{{/* ---------------------------------------------------------------- names */}}

{{/* The chart name, or nameOverride. */}}
{{- define "orleans-kv.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>" (or fullnameOverride), at most 63 characters. */}}
{{- define "orleans-kv.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The full name cut short enough for a suffix such as "-redis-headless" (StatefulSet names stay under 52). */}}
{{- define "orleans-kv.shortname" -}}
{{- include "orleans-kv.fullname" . | trunc 36 | trimSuffix "-" }}
{{- end }}

{{- define "orleans-kv.siloServiceName" -}}
{{- printf "%s-silo" (include "orleans-kv.shortname" .) }}
{{- end }}

{{- define "orleans-kv.redisName" -}}
{{- printf "%s-redis" (include "orleans-kv.shortname" .) }}
{{- end }}

{{- define "orleans-kv.redisHeadlessName" -}}
{{- printf "%s-redis-headless" (include "orleans-kv.shortname" .) }}
{{- end }}

{{- define "orleans-kv.sentinelName" -}}
{{- printf "%s-redis-sentinel" (include "orleans-kv.shortname" .) }}
{{- end }}

{{/* The bundled data pods' and Sentinels' stable DNS names: (include "orleans-kv.redisHost" (list $ 0)). */}}
{{- define "orleans-kv.redisHost" -}}
{{- $ctx := index . 0 }}
{{- printf "%s-%d.%s.%s.svc" (include "orleans-kv.redisName" $ctx) (int (index . 1)) (include "orleans-kv.redisHeadlessName" $ctx) $ctx.Release.Namespace }}
{{- end }}

{{- define "orleans-kv.sentinelHost" -}}
{{- $ctx := index . 0 }}
{{- printf "%s-%d.%s.%s.svc" (include "orleans-kv.sentinelName" $ctx) (int (index . 1)) (include "orleans-kv.sentinelName" $ctx) $ctx.Release.Namespace }}
{{- end }}

{{/* REDIS_WAIT_REPLICAS: the HA value with the bundled HA Redis, else redis.waitReplicas. */}}
{{- define "orleans-kv.waitReplicas" -}}
{{- if and .Values.redis.enabled .Values.redis.ha.enabled }}{{ .Values.redis.ha.waitReplicas | int }}{{ else }}{{ .Values.redis.waitReplicas | int }}{{ end }}
{{- end }}

{{- define "orleans-kv.jwtConfigMapName" -}}
{{- printf "%s-jwt" (include "orleans-kv.shortname" .) }}
{{- end }}

{{/* The chart's own Secret. */}}
{{- define "orleans-kv.secretName" -}}
{{- include "orleans-kv.fullname" . }}
{{- end }}

{{- define "orleans-kv.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "orleans-kv.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "orleans-kv.clusterId" -}}
{{- default (include "orleans-kv.fullname" .) .Values.clusterId }}
{{- end }}

{{/* --------------------------------------------------------------- labels */}}

{{/* Kubernetes recommended labels; pass (dict "ctx" $ "component" "silo"). */}}
{{- define "orleans-kv.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "orleans-kv.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: orleans-kv
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- end }}

{{/* The subset that selects pods; pass (dict "ctx" $ "component" "silo"). */}}
{{- define "orleans-kv.selectorLabels" -}}
app.kubernetes.io/name: {{ include "orleans-kv.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* ---------------------------------------------------------------- image */}}

{{- define "orleans-kv.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* An emptyDir source as flow YAML; pass the sizeLimit ("" for none). */}}
{{- define "orleans-kv.emptyDir" -}}
{{- if . }}{{ dict "sizeLimit" . | toJson }}{{ else }}{}{{ end }}
{{- end }}

{{/* ------------------------------------------------------------ the modes */}}

{{/* "true" when the silos cluster through Redis (bundled or external), else "". */}}
{{- define "orleans-kv.clustered" -}}
{{- if or .Values.redis.enabled .Values.redis.url .Values.redis.existingSecret .Values.redis.clusterNodes .Values.redis.sentinel.nodes }}true{{ end }}
{{- end }}

{{/* The Secret and key the silos read REDIS_URL from, as (dict "name" "key"); clustered mode only. */}}
{{- define "orleans-kv.redisUrlSecret" -}}
{{- if .Values.redis.existingSecret }}
{{- dict "name" .Values.redis.existingSecret "key" .Values.redis.existingSecretKey | toJson }}
{{- else }}
{{- dict "name" (include "orleans-kv.secretName" .) "key" "redis-url" | toJson }}
{{- end }}
{{- end }}

{{/* "true" when the silos need a JWT signing key (HS256), else "". */}}
{{- define "orleans-kv.jwtSigningKey" -}}
{{- if and .Values.auth.jwt.enabled (not .Values.auth.jwt.publicKey) }}true{{ end }}
{{- end }}

{{/* ------------------------------------------------------------- secrets */}}

{{/*
A base64 value for the chart's Secret: the given value, else the one already in the cluster
(so generated values survive upgrades), else a new random one.
Pass (dict "ctx" $ "key" "admin-token" "value" .Values.auth.adminToken "length" 40).
*/}}
{{- define "orleans-kv.secretValue" -}}
{{- if .value }}
{{- .value | b64enc }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace (include "orleans-kv.secretName" .ctx) }}
{{- $data := dig "data" dict ($existing | default dict) }}
{{- if hasKey $data .key }}
{{- index $data .key }}
{{- else }}
{{- randAlphaNum (int .length) | b64enc }}
{{- end }}
{{- end }}
{{- end }}

{{/* The values the chart's Secret is made from (generated values stay the same across upgrades). */}}
{{- define "orleans-kv.secretInputs" -}}
{{- toJson (dict "auth" .Values.auth "redis" (pick .Values.redis "enabled" "url" "existingSecret" "existingSecretKey" "auth" "port" "clusterNodes" "sentinel" "externalPassword" "ha")) }}
{{- end }}

{{/* ---------------------------------------------------------- validation */}}

{{/* Checks that span several values (the schema checks each value alone). Fails with one clear line. */}}
{{- define "orleans-kv.validate" -}}
{{- $clustered := include "orleans-kv.clustered" . }}
{{- if and (not $clustered) (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "orleans-kv: replicaCount=%d needs Redis. Without Redis a silo runs in embedded mode (SQLite on its own disk), which cannot be shared: set redis.enabled=true (bundled), redis.url or redis.existingSecret (external), or replicaCount=1." (int .Values.replicaCount)) }}
{{- end }}
{{- if and (not $clustered) .Values.autoscaling.enabled }}
{{- fail "orleans-kv: autoscaling.enabled=true needs Redis. Embedded mode (no Redis) runs exactly one silo: set redis.enabled=true, redis.url or redis.existingSecret, or autoscaling.enabled=false." }}
{{- end }}
{{- if and .Values.redis.enabled (or .Values.redis.url .Values.redis.existingSecret) }}
{{- fail "orleans-kv: redis.enabled=true runs the bundled Redis; redis.url and redis.existingSecret are for an external one. Set redis.enabled=false to use them, or clear them." }}
{{- end }}
{{- $external := 0 }}
{{- range (list .Values.redis.url .Values.redis.existingSecret .Values.redis.clusterNodes .Values.redis.sentinel.nodes) }}
{{- if . }}{{ $external = add1 $external }}{{ end }}
{{- end }}
{{- if gt (int $external) 1 }}
{{- fail "orleans-kv: set only one of redis.url, redis.existingSecret, redis.clusterNodes and redis.sentinel.nodes (one external Redis)." }}
{{- end }}
{{- if and .Values.redis.enabled (or .Values.redis.clusterNodes .Values.redis.sentinel.nodes) }}
{{- fail "orleans-kv: redis.enabled=true runs the bundled Redis; redis.clusterNodes and redis.sentinel are for an external one. Set redis.enabled=false to use them, or clear them." }}
{{- end }}
{{- if ne (empty .Values.redis.sentinel.nodes) (empty .Values.redis.sentinel.masterName) }}
{{- fail "orleans-kv: an external Sentinel needs both redis.sentinel.masterName and redis.sentinel.nodes." }}
{{- end }}
{{- if and .Values.redis.externalPassword (not (or .Values.redis.clusterNodes .Values.redis.sentinel.nodes)) }}
{{- fail "orleans-kv: redis.externalPassword is for redis.clusterNodes or redis.sentinel; with redis.url put the password in the URL, with the bundled Redis use redis.auth.password." }}
{{- end }}
{{- if and .Values.redis.ha.enabled (not .Values.redis.enabled) }}
{{- fail "orleans-kv: redis.ha.enabled=true is for the bundled Redis: set redis.enabled=true too, or use redis.sentinel for an external Sentinel." }}
{{- end }}
{{- if and (gt (int .Values.redis.waitReplicas) 0) (not $clustered) }}
{{- fail "orleans-kv: redis.waitReplicas applies to cluster mode only; give a Redis, or leave it at 0." }}
{{- end }}
{{- if and .Values.auth.jwt.signingKey .Values.auth.jwt.publicKey }}
{{- fail "orleans-kv: set only one of auth.jwt.signingKey (HS256) and auth.jwt.publicKey (RS256/ES256)." }}
{{- end }}
{{- if and .Values.auth.existingSecret (or .Values.auth.adminToken .Values.auth.jwt.signingKey .Values.auth.bootstrapTokens) }}
{{- fail "orleans-kv: auth.existingSecret is set, so auth.adminToken, auth.jwt.signingKey and auth.bootstrapTokens must stay empty (put them in that Secret)." }}
{{- end }}
{{- if and $clustered .Values.embedded.existingClaim }}
{{- fail "orleans-kv: embedded.existingClaim is for embedded mode (no Redis); in cluster mode the data lives in Redis." }}
{{- end }}
{{- $needed := add 30 .Values.lifecycle.preStopSleepSeconds }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "orleans-kv: terminationGracePeriodSeconds=%d is too short: the silo needs its 30 s shutdown timeout plus the %d s preStop pause, so at least %d." (int .Values.terminationGracePeriodSeconds) (int .Values.lifecycle.preStopSleepSeconds) (int $needed)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- fail (printf "orleans-kv: autoscaling.maxReplicas=%d is below autoscaling.minReplicas=%d." (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- end }}
{{- $maxSet := ne (toString .Values.podDisruptionBudget.maxUnavailable) "" }}
{{- $minSet := ne (toString .Values.podDisruptionBudget.minAvailable) "" }}
{{- if and .Values.podDisruptionBudget.enabled (eq $maxSet $minSet) }}
{{- fail "orleans-kv: set exactly one of podDisruptionBudget.maxUnavailable and podDisruptionBudget.minAvailable; leave the other empty." }}
{{- end }}
{{- $chartEnv := list "BIND_ADDRESS" "HTTP_PORT" "GRPC_PORT" "SILO_PORT" "ADVERTISED_HOST" "CLUSTER_ID" "DATA_DIR" "LOG_LEVEL" "MAX_VALUE_BYTES" "NAMESPACE_OPS_PER_SECOND" "NAMESPACE_BURST" "TOKEN_OPS_PER_SECOND" "TOKEN_BURST" "NAMESPACE_MAX_KEYS" "NAMESPACE_MAX_BYTES" "LIMITS_REFRESH_SECONDS" "REDIS_URL" "REDIS_WAIT_REPLICAS" "DURABILITY" "ADMIN_TOKEN" "JWT_SIGNING_KEY" "JWT_PUBLIC_KEY_FILE" "JWT_ISSUER" "JWT_AUDIENCE" "TOKEN" }}
{{- range .Values.extraEnv }}
{{- if has .name $chartEnv }}
{{- fail (printf "orleans-kv: extraEnv sets %s, which the chart sets itself; use its value in values.yaml instead (see docs/kubernetes.md)." .name) }}
{{- end }}
{{- end }}
{{- $ports := list (int .Values.ports.http) (int .Values.ports.grpc) (int .Values.ports.silo) }}
{{- if ne (len ($ports | uniq)) 3 }}
{{- fail "orleans-kv: ports.http, ports.grpc and ports.silo must all differ." }}
{{- end }}
{{- if eq (int .Values.service.httpPort) (int .Values.service.grpcPort) }}
{{- fail "orleans-kv: service.httpPort and service.grpcPort must differ." }}
{{- end }}
{{- end }}
