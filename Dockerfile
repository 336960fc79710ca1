# The cioscale worker image: built from the frozen lockfile, shipped as `pnpm deploy --prod` output
# (production dependencies only, no sources, no tests) on Node.js 24, run as uid 10001 with nothing
# written outside /tmp. Build and push: k8s/README.md ("The image").
#
#   docker build -t cioscale/worker:0.1.0 .          # or: podman build -t cioscale/worker:0.1.0 .
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
# The worker and the workspace packages it depends on, plus the root's TypeScript to build them.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    pnpm install --frozen-lockfile --workspace-root --filter "@cioscale/worker..." \
    && pnpm --filter "@cioscale/worker..." run build \
    && pnpm --filter @cioscale/worker deploy --prod --offline /out \
    && rm -f /out/pnpm-lock.yaml /out/pnpm-workspace.yaml

FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
# Owned by root and not writable by the worker: the root filesystem can be mounted read-only.
COPY --from=build /out /app
USER 10001:10001
EXPOSE 9464
# node itself is PID 1 (exec form, no shell): SIGTERM reaches the worker, which drains and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
