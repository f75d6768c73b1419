# Two commands: `make demo` trains the book's VAE and writes its pictures; `make test` runs
# the test suite. Both first install the Debian packages the project needs, if missing.

PACKAGES := libopenblas-dev libstb-dev libpng-dev libturbojpeg0-dev zlib1g-dev pkgconf dataset-fashion-mnist
# What only the tests need: a headless browser that opens the HTML reports as a reader
# would, qemu-user, which runs the program as a processor without AVX-512, the arm64
# C library, to compile the kernels for 64-bit ARM, Open MPI, whose mpirun runs one
# training over several processes (the program loads its library at run time), and
# iproute2, whose network namespaces stand in for two hosts joined by a network, and
# chromedriver with Selenium, which use the dashboard in the browser as a person would.
TEST_PACKAGES := chromium qemu-user libc6-dev-arm64-cross openmpi-bin iproute2 chromium-driver python3-selenium
# The tests that run again on every other instruction set this processor has: the
# kernels' path is fixed per process, so each path takes a test process of its own.
NUMERIC_TESTS := NumericCoreTests|NeuralNetworkTests|OptimizersTests|VAETests
RUN      := runs/book
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# A colour dataset that every machine can make offline: the PNG icons of five icon themes.
ICON_PACKAGES := moka-icon-theme faenza-icon-theme elementary-xfce-icon-theme oxygen-icon-theme mate-icon-theme gnome-icon-theme
ICONS         := data/icons
ICON_RUN      := runs/icons

.PHONY: demo test deps build icons icon-data study serve

demo: build
	.build/release/vae train --out $(RUN) --overwrite
	.build/release/vae reconstruct --run $(RUN)
	.build/release/vae interpolate --run $(RUN) --between 0 1 --out $(RUN)/between.png
	.build/release/vae evaluate --run $(RUN) --subset 1000

# The tests run in a release build: the C kernels have no optimisation settings of their
# own (so the package can be depended on by version), and a debug build leaves them
# unoptimised, many times slower. `-enable-testing` lets the tests reach internal names.
TEST_BUILD := -c release -Xswiftc -enable-testing

test:
	@$(MAKE) --no-print-directory deps PACKAGES="$(PACKAGES) $(TEST_PACKAGES)"
	swift build $(TEST_BUILD) --build-tests
	swift test $(TEST_BUILD) --skip-build
	@for cpu in $$(scripts/instruction-sets.sh | awk '{ for (i = 2; i <= NF; i++) print $$i }'); do \
	  echo "== the numeric and model tests again with VAE_CPU=$$cpu"; \
	  VAE_CPU=$$cpu swift test $(TEST_BUILD) --skip-build --filter '$(NUMERIC_TESTS)' || exit 1; \
	done
	scripts/emulated-haswell.sh .build/release/vae
	scripts/mpi-over-tcp.sh .build/release/vae
	scripts/dashboard-in-browser.py .build/release
	scripts/check-arm64-kernels.sh

build: deps
	swift build -c release --product vae

# `make serve`: the runs in runs/ in the browser, at http://127.0.0.1:8080/ (the server is a
# program of its own, vae-serve, built here and not by `make demo`).
serve: build
	swift build -c release --product vae-serve
	.build/release/vae serve --runs runs

# `make icons`: gathers the icons (once) and trains a convolutional VAE on them.
icons: build icon-data
	.build/release/vae train --data $(ICONS) --image-size 32 --architecture conv --coding-size 32 --batch-size 32 \
	  --likelihood bernoulli --epochs 50 --out $(ICON_RUN) --overwrite
	.build/release/vae sample --run $(ICON_RUN) --count 40 --columns 10
	.build/release/vae reconstruct --run $(ICON_RUN)
	.build/release/vae interpolate --run $(ICON_RUN) --between 0 1 --out $(ICON_RUN)/between.png
	.build/release/vae evaluate --run $(ICON_RUN) --subset 1000

# `make study`: the assignment's questions answered by experiments (about an hour and a
# half on two cores), with a last section on the icons; opens as study/index.html.
study: build icon-data
	.build/release/vae study --out study --pictures $(ICONS)

icon-data:
	@$(MAKE) --no-print-directory deps PACKAGES="$(ICON_PACKAGES)"
	@[ -d $(ICONS) ] || scripts/collect-icons.sh $(ICONS)

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
