# Squall's image: one image, one role set per container (docker-compose.yml). Two stages: the build
# stage compiles TypeScript and the web UI with the dev dependencies; the runtime stage keeps only
# the compiled code and production dependencies, and runs as the unprivileged `node` user.

FROM node:20-bookworm AS build
WORKDIR /opt/squall
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY app app
COPY lib lib
COPY engine engine
COPY bot bot
COPY aliases aliases
COPY cli cli
COPY bench bench
COPY web web
COPY test/fakes test/fakes
COPY test/support test/support
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# bash and python3 run pack actions (local-shell and python runners); openssh-client the remote runner.
RUN apt-get update \
  && apt-get install -y --no-install-recommends bash python3 python3-venv openssh-client ca-certificates git \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/squall
COPY --from=build /opt/squall/package.json ./
COPY --from=build /opt/squall/node_modules node_modules
COPY --from=build /opt/squall/dist dist
COPY bin bin
COPY packs packs
# Squall's Python side (the python-script wrapper, the sensor wrapper, the st2common shim), compiled
# here because the node user cannot write bytecode caches next to it.
COPY python python
RUN python3 -m compileall -q python
# The young generation bin/squall.js explains (`node bin/squall.js` bypasses its shebang).
ENV NODE_ENV=production SQUALL_HOME=/var/lib/squall NODE_OPTIONS=--max-semi-space-size=32
RUN mkdir -p /var/lib/squall && chown node:node /var/lib/squall
USER node
VOLUME ["/var/lib/squall"]
EXPOSE 9101
# The API's /health; a container without the api role overrides this (see docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:9101/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# SIGTERM starts a graceful stop (shutdown.grace); compose's stop_grace_period must be longer.
STOPSIGNAL SIGTERM
CMD ["node", "bin/squall.js", "start", "--host", "0.0.0.0", "--no-shell"]
