# Local control plane (etcd, kube-apiserver, kube-controller-manager v1.37.2)
# for the demo and manual testing. Included by the main Makefile.
#
#   make controlplane   build the binaries (cached outside the repository)
#   make up             start the control plane in the background
#   make down           stop it

GO ?= go
KDX_STATE ?= $(CURDIR)/.kdx-state
KDX_CONTROLPLANE_PID := $(KDX_STATE)/controlplane.pid
KDX_CONTROLPLANE_KUBECONFIG := $(KDX_STATE)/kubeconfig
KDX_CONTROLPLANE_LOG := $(KDX_STATE)/controlplane.log
KDX_CONTROLPLANE_BIN := $(KDX_STATE)/bin/kdx-controlplane
# KDX_CP_NAME names the cluster and admin context in the kubeconfig (a fleet).
KDX_CP_NAME ?=
# Seconds `make up` waits for the kubeconfig after starting.
KDX_UP_TIMEOUT ?= 180

.PHONY: controlplane up down

controlplane:
	@bash testdata/controlplane/build.sh >/dev/null

up: controlplane
	@mkdir -p "$(KDX_STATE)/bin"
	@if [ -f "$(KDX_CONTROLPLANE_PID)" ] && kill -0 "$$(cat "$(KDX_CONTROLPLANE_PID)")" 2>/dev/null; then \
		echo "kdx-controlplane already running (pid $$(cat "$(KDX_CONTROLPLANE_PID)"))" >&2; \
	else \
		$(GO) build -o "$(KDX_CONTROLPLANE_BIN)" ./internal/cmd/kdx-controlplane || exit 1; \
		rm -f "$(KDX_CONTROLPLANE_KUBECONFIG)"; \
		nohup "$(KDX_CONTROLPLANE_BIN)" up --kubeconfig "$(KDX_CONTROLPLANE_KUBECONFIG)" --state "$(KDX_STATE)" $(if $(KDX_CP_NAME),--name "$(KDX_CP_NAME)") \
			>"$(KDX_CONTROLPLANE_LOG)" 2>&1 </dev/null & \
		echo $$! >"$(KDX_CONTROLPLANE_PID)"; \
		pid=$$!; waited=0; \
		until [ -f "$(KDX_CONTROLPLANE_KUBECONFIG)" ]; do \
			if ! kill -0 $$pid 2>/dev/null; then \
				echo "kdx-controlplane failed to start; $(KDX_CONTROLPLANE_LOG):" >&2; \
				cat "$(KDX_CONTROLPLANE_LOG)" >&2; rm -f "$(KDX_CONTROLPLANE_PID)"; exit 1; \
			fi; \
			if [ $$waited -ge $$(( $(KDX_UP_TIMEOUT) * 10 )) ]; then \
				echo "kdx-controlplane not ready after $(KDX_UP_TIMEOUT)s; stopping it; see $(KDX_CONTROLPLANE_LOG)" >&2; \
				kill $$pid; rm -f "$(KDX_CONTROLPLANE_PID)"; exit 1; \
			fi; \
			sleep 0.1; waited=$$((waited + 1)); \
		done; \
	fi
	@echo "export KUBECONFIG=$(KDX_CONTROLPLANE_KUBECONFIG)"

down:
	@if [ -f "$(KDX_CONTROLPLANE_PID)" ]; then \
		pid=$$(cat "$(KDX_CONTROLPLANE_PID)"); \
		if kill $$pid 2>/dev/null; then \
			waited=0; \
			while kill -0 $$pid 2>/dev/null && [ $$waited -lt 300 ]; do sleep 0.1; waited=$$((waited + 1)); done; \
			if kill -0 $$pid 2>/dev/null; then kill -9 $$pid; fi; \
		fi; \
		rm -f "$(KDX_CONTROLPLANE_PID)" "$(KDX_CONTROLPLANE_KUBECONFIG)"; \
		echo "kdx-controlplane stopped" >&2; \
	else \
		echo "kdx-controlplane not running" >&2; \
	fi
