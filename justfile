# Recipes of the reference stack. `just` comes from the rust-just npm package: npx just <recipe>.
set shell := ["bash", "-euo", "pipefail", "-c"]

# Through its shebang, which gives Node the options planes runs with.
planes := "dist/planes.cjs"

# List the recipes
default:
    @just --list

# Install dependencies (when missing), create the dev secrets, generate and check the compose files
setup:
    test -x node_modules/.bin/tsc || npm ci
    test -f dist/planes.cjs || npm run build
    {{planes}} setup
    {{planes}} generate
    {{planes}} check

# Run the dev stack: missing dev secrets created, files checked, then docker compose up --build
start:
    {{planes}} setup
    {{planes}} generate --check
    docker compose -f docker-compose.yml up --build

# Stop the dev stack
stop:
    docker compose -f docker-compose.yml down

# Deploy the prod stack to Swarm: verify its external secrets (push them with `planes secrets push --env prod`), then docker stack deploy
deploy:
    {{planes}} deploy --env prod

# The CI lint step: generated files up to date, no secret in any environment, accepted by Compose and by Swarm. Passes on a fresh clone, before setup
lint:
    test -f dist/planes.cjs || npm run build
    {{planes}} generate --check
    {{planes}} check
    docker compose -f docker-compose.yml config -q
    docker stack config -c docker-compose.prod.yml >/dev/null

# Run the tests
test:
    npm test
