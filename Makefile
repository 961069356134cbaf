# Set-up on a fresh machine is two commands: `make run` (the main job) and `make test` (what CI runs).
# Every target creates .venv when it is missing and installs the package into it, pinned by constraints.txt.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run DATA=../shared/data/cifar10_mini` trains on a local folder; without DATA the real CIFAR-10 is downloaded.
DATA ?=
OUT ?= runs/cifar10
ARGS ?=

.PHONY: install run test test-quick outputs bench bench-cams bench-accuracy bench-lr gpu-check readme docs docs-check browser clean

# The install is redone when the dependencies' files change in content (nbdev rewrites pyproject.toml unchanged, so not by date).
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing cifar-gradcam and its dependencies into $(VENV) (a few minutes on a fresh machine)"
	@$(BIN)/python -m pip install -q --progress-bar off -c constraints.txt -e ".[dev]" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: install
	$(BIN)/cifar-gradcam $(if $(DATA),--path $(DATA)) --out $(OUT) $(ARGS)

test: install
	@bash .ci/test

# The notebooks' own tests without the slow ones (whole runs in subprocesses), for a quick check while editing.
test-quick: install
	$(BIN)/nbdev-test

# Re-execute the notebooks in place on the mini set and keep their outputs (figures, tables): `make outputs NB="04_train 06_gradcam"` for some.
outputs: install
	$(BIN)/python tools/outputs.py $(NB)

# Training throughput: plain PyTorch, fastai's DataBlock path and the fast path on the same images (bench/bench.py; needs DATA).
# On a GPU: make bench DATA=DIR ARGS="--bs 512 --only plain_fp32,plain,datablock,fast --compile"
bench: install
	@test -n "$(DATA)" || { echo "error: make bench needs DATA=DIR, a CIFAR-10 folder in fastai's layout" >&2; exit 2; }
	$(BIN)/python bench/bench.py --path $(DATA) $(ARGS)

# Time to accuracy: the plain loop against our defaults (and --variants), interleaved over seeds (bench/accuracy.py; needs DATA).
bench-accuracy: install
	@test -n "$(DATA)" || { echo "error: make bench-accuracy needs DATA=DIR, a CIFAR-10 folder in fastai's layout" >&2; exit 2; }
	$(BIN)/python bench/accuracy.py --path $(DATA) $(ARGS)

# Which lr_max trains best, and where the LR finder's rules pick (bench/lr_sweep.py; 04_train's figure and test read its results).
bench-lr: install
	@test -n "$(DATA)" || { echo "error: make bench-lr needs DATA=DIR, a CIFAR-10 folder in fastai's layout" >&2; exit 2; }
	$(BIN)/python bench/lr_sweep.py --path $(DATA) $(ARGS)

# The checks only a GPU can run (the notebooks' tests on it, kill and --resume, fp16 with its scaler, Grad-CAM against the CPU,
# the benchmark, two GPUs under torchrun), in one command on a GPU machine: make gpu-check DATA=DIR (logs in runs/gpu-check).
# It installs what it needs itself: beside the machine's own torch where that one sees the GPU, else the pinned .venv.
gpu-check:
	@test -n "$(DATA)" || { echo "error: make gpu-check needs DATA=DIR, a CIFAR-10 folder in fastai's layout" >&2; exit 2; }
	bash tools/gpu_check.sh $(DATA)

# Maps/s of each CAM method, against pytorch-grad-cam's, on the same batches (bench/cams.py).
bench-cams: install
	$(BIN)/python bench/cams.py $(ARGS)

# README.md is written from nbs/index.ipynb (nbdev-processed, converted by nbconvert; no Quarto needed).
readme: install
	$(BIN)/python tools/docs.py readme

# The docs site in _docs/: nbdev-docs where Quarto is installed, else mkdocs-material from the same processed notebooks.
docs: install
	@if command -v quarto >/dev/null; then $(BIN)/python tools/docs.py sidebar && $(BIN)/nbdev-docs; else $(BIN)/python tools/docs.py site; fi

# Debian's Chromium and ChromeDriver, for the docs check (needs root, as on CI machines).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

# Open the built site in headless Chromium and check every page; screenshots in _docs_check/.
docs-check: browser
	$(BIN)/python tools/docs.py site
	$(BIN)/python tools/check_docs.py

clean:
	rm -rf _docs _proc _docs_check
