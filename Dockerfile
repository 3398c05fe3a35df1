# The agent's image: every worker, the api, the codec and the simulators of docker-compose.yml run it
# with their own `command`. TypeScript is run by tsx, as in development, so there is no build step.
# Debian (glibc), not Alpine: the Temporal core bridge, better-sqlite3 and sharp ship glibc binaries.

# Dependencies in their own stage: the compilers better-sqlite3 falls back to (when no prebuilt
# binary fits) stay out of the image that runs.
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# DATA_DIR of docker-compose.yml: a named volume mounted here starts with this owner, so the
# unprivileged user can write the performance DB and the creatives.
RUN mkdir -p /data && chown node:node /data
USER node
