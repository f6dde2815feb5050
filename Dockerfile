# The campaign-partner API in a small image: built with the Go toolchain, run from
# distroless/static as a user without privileges. Build and run:
#
#   docker build --build-arg REVISION=$(git rev-parse HEAD) --build-arg COMMIT_TIME=$(git log -1 --format=%cI) -t campaigns .
#   docker compose up          # with PostgreSQL 15, see compose.yaml
#
# The binary embeds its migrations, seed data, playground and time-zone database, so the
# image holds nothing else.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG REVISION=""
ARG COMMIT_TIME=""
# CGO off: a static binary that runs on an image without a C library.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X campaigns/internal/version.revision=${REVISION} -X campaigns/internal/version.commitTime=${COMMIT_TIME}" \
      -o /out/campaigns . \
 && /out/campaigns --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/campaigns /campaigns
USER nonroot:nonroot
# Metrics are served on METRICS_ADDR, never on ADDR: loopback by default, which no scraper
# outside the container reaches; set METRICS_ADDR=:9464 (as compose.yaml does) where one
# should, on a network the API's clients do not reach.
# ADDR=:8080: in a container the server must listen on every interface, or the published
# port reaches nothing; outside production the default is loopback (127.0.0.1:8080), so it
# is set here rather than left to APP_ENV.
ENV APP_ENV=production ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/campaigns"]
