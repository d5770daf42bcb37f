# The server an agency deploys (examples/server), as a static binary with
# the time zone database built in, on a distroless base.
#
#   docker build -t outbound .
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://… outbound
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags "-s -w" -o /out/server ./examples/server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/server"]
