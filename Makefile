# Two commands: `make demo` trains the book's VAE and writes its pictures; `make test` runs
# the test suite. Both first install the Debian packages the project needs, if missing.

PACKAGES := libopenblas-dev libstb-dev zlib1g-dev pkgconf dataset-fashion-mnist
RUN      := runs/book
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test deps build

demo: build
	.build/release/vae train --out $(RUN) --overwrite
	.build/release/vae reconstruct --run $(RUN)
	.build/release/vae interpolate --run $(RUN) --between 0 1 --out $(RUN)/between.png
	.build/release/vae evaluate --run $(RUN)

test: deps
	swift test

build: deps
	swift build -c release --product vae

deps:
	@missing=""; \
	for package in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
