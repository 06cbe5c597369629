# kspan: `kspan run` in a cluster. Node runs the TypeScript sources directly (type stripping, Node ≥ 22.18).
# The base image is pinned here, in one place.
ARG NODE_IMAGE=node:22.23-bookworm-slim

# Stage 1: production dependencies only (no dev tools, no install scripts).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime, as the unprivileged `node` user (uid 1000).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --chown=root:root bin ./bin
COPY --chown=root:root cli ./cli
COPY --chown=root:root core ./core
COPY --chown=root:root common ./common
COPY --chown=root:root driver ./driver
COPY --chown=root:root export ./export
COPY --chown=root:root input-log ./input-log
# `kspan simulate` and `kspan accuracy`: every command in `kspan --help` works in the image
COPY --chown=root:root simulator ./simulator
# `--output html` (the timeline page and its client assets)
COPY --chown=root:root report ./report
# bundled scenarios: `kspan demo` works in the image too
COPY --chown=root:root scenarios ./scenarios
USER 1000:1000
EXPOSE 9090
ENTRYPOINT ["node", "cli/main.ts"]
CMD ["run"]
