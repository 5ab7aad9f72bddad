# The README's two commands. Both install what is missing first and skip work already done.
.PHONY: demo test bindings screenshots build dist

## Run the product: the server (embedded SQLite, demo catalogue) and the desktop app connected to it.
demo:
	scripts/bootstrap.sh demo
	scripts/build-ui.sh
	cargo build -p onestop-server -p onestop-app
	scripts/demo.sh

## Run every check and test, ending with a summary line.
test:
	scripts/test.sh

## Regenerate ui/src/api/bindings.ts from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p onestop-desk --test ts_bindings

## Refresh docs/screenshots/ from a run of the end-to-end suite.
screenshots:
	scripts/build-ui.sh
	cargo build --workspace --bins
	ONESTOP_UPDATE_SCREENSHOTS=1 xvfb-run -a -s "-screen 0 1366x768x24" \
	  cargo nextest run --workspace -E 'package(onestop-e2e)'

build:
	scripts/build-ui.sh
	cargo build --workspace --bins

## The build for clerks' PCs (`[profile.dist]`: whole-program LTO, size-first): target/dist/.
dist:
	scripts/bootstrap.sh demo
	scripts/build-ui.sh
	cargo build --locked --profile dist -p onestop-app -p onestop-server
