# syntax=docker/dockerfile:1
# Multi-stage build of the obligations service: production dependencies (with the native
# better-sqlite3 addon compiled for this image), the TypeScript build, and a small runtime image
# that runs as the unprivileged `node` user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
# swagger-ui-dist pulls in @scarf/scarf, whose install script reports to an analytics service;
# npm 11's allowScripts refuses it locally, and this image's npm does not read allowScripts.
ENV SCARF_ANALYTICS=false
# better-sqlite3 falls back to compiling from source when no prebuilt binary is reachable.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM prod-deps AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY projections ./projections
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    EVENT_STORE_URL=sqlite:/app/data/obligations.db
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
# /readyz answers 200 only when the event store is reachable and migrated.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No shell in between: node receives SIGTERM itself and shuts down gracefully.
CMD ["node", "dist/src/main.js"]
