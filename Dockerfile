# One image for the web app and the worker (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
# npm 11 honours package.json "allowScripts" (install scripts are blocked unless listed).
RUN npm install -g npm@11.19.1
# Whole tree first: workspace bin links (apps/cli) need their files present during npm ci.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run generate -w @tunelab/db && cd apps/web && node ../../node_modules/next/dist/bin/next build
ENV TUNELAB_ARTIFACTS_DIR=/data/artifacts
EXPOSE 3000
# Web by default; the worker service overrides the command.
CMD ["sh", "-c", "node --import tsx scripts/migrate.ts && cd apps/web && exec node ../../node_modules/next/dist/bin/next start -p 3000 -H 0.0.0.0"]
# Beyond loopback: the web app requires TUNELAB_TOKEN (docker-compose.yml insists on one).
ENV HOST=0.0.0.0
