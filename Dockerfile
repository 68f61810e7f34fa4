FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ openssh-client && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/squall
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY app app
COPY lib lib
COPY engine engine
COPY bot bot
COPY aliases aliases
COPY cli cli
COPY bench bench
COPY bin bin
COPY packs packs
COPY web web
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
EXPOSE 9101
CMD ["node", "bin/squall.js", "start", "--host", "0.0.0.0", "--no-shell"]
