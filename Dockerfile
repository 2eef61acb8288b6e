# syntax=docker/dockerfile:1
# The OrleansKv server image: one silo plus its REST (3000) and gRPC (50051) front end; silos
# talk to each other on 11111. Build from the repository root:
#   docker build -t orleans-kv:dev .
#   docker run --rm -p 3000:3000 -p 50051:50051 -e TOKEN=dev-token-123 orleans-kv:dev
# Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 -t REGISTRY/orleans-kv:TAG .
# (the SDK stage runs on the build machine's platform and cross-publishes for the target).

# ---------------------------------------------------------------------------------- build --
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
ARG CONFIGURATION=Release
WORKDIR /src

# Restore first, from the build settings and project files alone, so the package layer stays
# cached until a package version or a project reference changes. global.json is left out on
# purpose: it pins the developers' SDK feature band, while this image brings whichever 10.0 band
# its tag carries. When the server gains a project reference, add its .csproj here
# (.ci/dockerfile-check.sh fails until it is).
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/OrleansKv.Server/OrleansKv.Server.csproj src/OrleansKv.Server/
COPY src/OrleansKv.Grains/OrleansKv.Grains.csproj src/OrleansKv.Grains/
COPY src/OrleansKv.Providers.Sqlite/OrleansKv.Providers.Sqlite.csproj src/OrleansKv.Providers.Sqlite/
RUN dotnet restore src/OrleansKv.Server/OrleansKv.Server.csproj -a "$TARGETARCH"

COPY protos/ protos/
COPY src/ src/
RUN dotnet publish src/OrleansKv.Server/OrleansKv.Server.csproj \
      -c "$CONFIGURATION" -a "$TARGETARCH" --no-restore \
      -p:UseAppHost=false -o /app

# -------------------------------------------------------------------------------- runtime --
# The Ubuntu (noble) ASP.NET image rather than -noble-chiseled: it has a shell and `sleep`,
# which the Helm chart's default preStop hook (exec sleep) and the HEALTHCHECK below use. A
# chiseled image works too if you drop both: set lifecycle.preStopHook=sleepAction in the chart
# (Kubernetes 1.30+) and create the user with numeric IDs, since chiseled has no usermod.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# The base image's non-root `app` user is UID 1654; renumber it to 64198, the UID the Helm
# chart runs as (podSecurityContext.runAsUser), and give it the data directory.
ENV APP_UID=64198
RUN groupmod --gid 64198 app \
 && usermod --uid 64198 --gid 64198 app \
 && mkdir -p /data \
 && chown 64198:64198 /data \
 && chmod 0750 /data

WORKDIR /app
COPY --from=build /app ./

# Listen on every interface (the server's default is loopback) and keep the embedded store in
# /data. ASPNETCORE_HTTP_PORTS is cleared: the server opens its own listeners (HTTP_PORT,
# GRPC_PORT, SILO_PORT), and the base image's 8080 would only add a warning.
ENV BIND_ADDRESS=0.0.0.0 \
    DATA_DIR=/data \
    ASPNETCORE_HTTP_PORTS=

# REST and health/metrics, gRPC (h2c), silo-to-silo (cluster mode only).
EXPOSE 3000 50051 11111

VOLUME ["/data"]
USER 64198:64198

# curl and wget are not in the image; bash's /dev/tcp sends GET /livez (the process serves
# HTTP). Kubernetes ignores HEALTHCHECK and uses the chart's probes instead. Needs ENABLE_HTTP.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT:-3000} && printf 'GET /livez HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "OrleansKv.Server.dll"]
