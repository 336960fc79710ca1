# The cioscale images, worker and ingest gateway, from one Dockerfile: one build stage installs both from
# the frozen lockfile, builds them and writes each one's `pnpm deploy --prod` output (production
# dependencies only, no sources, no tests); each runtime stage is Node.js 24 plus one of those folders, run
# as uid 10001 with nothing written outside /tmp. Why two images and not one with two entry points:
# docs/shipping.md ("The images"). Build and push: k8s/README.md ("The image").
#
#   docker build -t cioscale/worker:0.1.0 .                      # the last stage, the worker (the default)
#   docker build --target gateway -t cioscale/gateway:0.1.0 .    # the gateway; the build stage is cached
#   (or podman build …, the same flags)
#
# BASE_IMAGE is any image with node and npm at /usr/local/bin, Debian bookworm underneath; CI passes a
# stand-in it makes itself (k8s/image/make-base-image.sh) because it reaches no container registry.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
ENV CI=true
# Behind a TLS-intercepting proxy, pass its CA bundle as the build secret `ca`
# (`--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt`): it is mounted for these RUN steps only
# and never lands in a layer. Without it, Node's own CA store is used.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm install --global --no-fund --no-audit --loglevel=error pnpm@12.4.2
COPY . .
# The worker, the gateway and the workspace packages they depend on, plus the root's TypeScript to build
# them. Both in this one stage, so that building the second target reuses every layer of the first. pnpm's
# store is a build cache, not a layer: a rebuild after a source change (a new `COPY . .`) takes the
# packages from it instead of downloading them again, and no image carries it.
RUN --mount=type=secret,id=ca --mount=type=cache,id=cioscale-pnpm-store,target=/root/.local/share/pnpm/store \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    pnpm install --frozen-lockfile --workspace-root --filter "@cioscale/worker..." --filter "@cioscale/gateway..." \
    && pnpm --filter "@cioscale/worker..." --filter "@cioscale/gateway..." run build \
    && pnpm --filter @cioscale/worker deploy --prod --offline /out/worker \
    && pnpm --filter @cioscale/gateway deploy --prod --offline /out/gateway \
    && rm -f /out/*/pnpm-lock.yaml /out/*/pnpm-workspace.yaml

# The ingest gateway (apps/gateway): the Track API on PORT (8080 in k8s/gateway), /metrics, /healthz and
# /readyz on the same port.
FROM ${BASE_IMAGE} AS gateway
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
# Owned by root and not writable by the gateway: the root filesystem can be mounted read-only.
COPY --from=build /out/gateway /app
USER 10001:10001
EXPOSE 8080
# node itself is PID 1 (exec form, no shell): SIGTERM reaches the gateway, which drains and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]

# The worker (apps/worker), last so that a build without --target makes it, as before.
FROM ${BASE_IMAGE} AS worker
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY --from=build /out/worker /app
USER 10001:10001
EXPOSE 9464
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
