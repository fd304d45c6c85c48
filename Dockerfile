# cwlogs-emulator: a small runtime image that runs as non-root and listens on 0.0.0.0:4566.
#   docker build -t cwlogs-emulator .
#   docker run --rm -p 4566:4566 cwlogs-emulator
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p cwlogs-emulator --bin cwlogs-emulator

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/cwlogs-emulator /usr/local/bin/cwlogs-emulator
COPY --from=build /src/fixtures /fixtures
ENV CWLOGS_HOST=0.0.0.0 \
    CWLOGS_PORT=4566 \
    CWLOGS_REGION=us-east-1 \
    CWLOGS_LOG_LEVEL=info \
    CWLOGS_PORT_FILE=/tmp/cwlogs-emulator.port
EXPOSE 4566
USER nonroot
HEALTHCHECK --interval=2s --timeout=3s --start-period=2s --retries=10 \
    CMD ["/usr/local/bin/cwlogs-emulator", "--healthcheck"]
ENTRYPOINT ["/usr/local/bin/cwlogs-emulator"]
