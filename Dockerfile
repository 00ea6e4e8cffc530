# syntax=docker/dockerfile:1
# Flightdeck: docker build -t flightdeck . && docker run --env-file .env -p 3000:3000 -v flightdeck-data:/data flightdeck

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so code changes reuse the cached npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000 \
    METRICS_PORT=9464
WORKDIR /app
# The code stays root-owned and read-only for the app user; only /data is writable
# (the embedded SQLite store lives there when DATABASE_URL is unset).
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# Only the Slack port: the metrics port listens on the container's loopback (METRICS_HOST=127.0.0.1) unless
# METRICS_HOST=0.0.0.0 is set, and then it is published on purpose (-p 127.0.0.1:9464:9464).
EXPOSE 3000
# Slim images have no curl; Node 20's fetch does the probe, inside the container, on the metrics port,
# which serves /healthz in Socket Mode too (there is no Slack port then).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The heap limit keeps V8's old generation near what the bot holds instead of growing it to a multiple
# that follows the host's memory (bench/support/production-node-args.ts says why; npm start passes it too).
CMD ["node", "--max-old-space-size=512", "dist/main.js"]
