# Signaling server image: build everything in one stage, run only the compiled
# server, the browser bundles and production dependencies in the next.
# test/node/docker.test.ts runs this file's CMD and HEALTHCHECK outside Docker.

# The current Node LTS line (development machines may run 20; package.json engines allow both).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 is a native module: node-gyp compiles it when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The image ships npm 10, which ignores package.json's `allowScripts` and runs
# every dependency's install script; npm 11 (what development uses) runs only
# the approved ones.
ARG NPM_VERSION=11.19.1
RUN npm install -g npm@${NPM_VERSION} --no-audit --no-fund
WORKDIR /app
# Dependencies first so source edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# After pruning, drop better-sqlite3's sources and compiler leftovers (about
# 30 MB; only build/Release/better_sqlite3.node is loaded), then prove the
# native module still loads so a skipped install script fails the build here.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target build/Release/.deps build/Release/sqlite3.a build/Release/test_extension.node \
 && cd /app \
 && node -e "require('better-sqlite3')(':memory:').close()"

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# Nothing in the running container needs a package manager.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data DEMO=false
WORKDIR /app
# Code stays owned by root so the server process cannot rewrite it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Created before VOLUME so a fresh named volume inherits the node user's ownership.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
# No curl in slim images: node asks /healthz, which also touches the SQLite store.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT || 8080, path: '/healthz', timeout: 4000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
CMD ["node", "dist/node/signaling/server.js"]
