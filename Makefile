# For `sam build` (BuildMethod: makefile in template.yaml): SAM runs `make build-<LogicalId>` once per
# function, with ARTIFACTS_DIR set to the folder whose contents become that function's code.
#
# ./build.sh builds all four functions and checks the zips, so the first target of a `sam build` runs it
# and the others reuse its zips; each target then unpacks its function's zip (bootstrap, lib/) into
# ARTIFACTS_DIR. The build always happens in this Makefile's folder, even when sam runs make in a scratch
# copy (plain `sam build` without --build-in-source), so SwiftPM's cache in .build is reused.
#
#   BUILD_FLAGS="--arch arm64" sam build ...   passes flags to ./build.sh (see ./build.sh --help)
#   make build-CreateAuthChallengeFunction ARTIFACTS_DIR=/tmp/out   the same by hand

SRC := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD_FLAGS ?=
ZIPS := $(SRC)/.build/lambda

# One build per `sam build`: sam empties its build folder (ARTIFACTS_DIR's parent) before it starts,
# which removes the stamp. By hand, a Swift source, Package.swift or a build script newer than the stamp
# also means a new build.
STAMP = $(abspath $(ARTIFACTS_DIR)/..)/.passwordless-lambda-build
INPUTS := Package.swift Package.resolved Sources build.sh scripts/check-lambda-zip.sh \
	scripts/make-stub-libs.sh scripts/lambda-system-libs.sh

.PHONY: build-DefineAuthChallengeFunction build-CreateAuthChallengeFunction build-VerifyAuthChallengeFunction \
	build-PreSignUpFunction lambda-zips

build-DefineAuthChallengeFunction: lambda-zips
	$(call unpack,define-auth-challenge)

build-CreateAuthChallengeFunction: lambda-zips
	$(call unpack,create-auth-challenge)

build-VerifyAuthChallengeFunction: lambda-zips
	$(call unpack,verify-auth-challenge)

build-PreSignUpFunction: lambda-zips
	$(call unpack,pre-sign-up)

define unpack
	rm -rf "$(ARTIFACTS_DIR)/bootstrap" "$(ARTIFACTS_DIR)/lib"
	unzip -q -o "$(ZIPS)/$(1).zip" -d "$(ARTIFACTS_DIR)"
	@test -x "$(ARTIFACTS_DIR)/bootstrap" || { echo "Makefile: no executable bootstrap in $(ARTIFACTS_DIR)" >&2; exit 1; }
endef

# flock keeps `sam build --parallel` from running build.sh several times at once (where flock exists).
lambda-zips:
	@test -n "$(ARTIFACTS_DIR)" || { echo "Makefile: ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	@mkdir -p "$(ARTIFACTS_DIR)" "$(ZIPS)"
	@cd "$(SRC)" && lock=; command -v flock >/dev/null && lock="flock $(ZIPS)/.sam-build.lock"; \
	$$lock sh -ec ' \
	  fresh=yes; \
	  [ -f "$(STAMP)" ] || fresh=; \
	  for fn in define-auth-challenge create-auth-challenge verify-auth-challenge pre-sign-up; do \
	    [ -f "$(ZIPS)/$$fn.zip" ] || fresh=; \
	  done; \
	  if [ -n "$$fresh" ] && [ -n "$$(find $(wildcard $(addprefix $(SRC)/,$(INPUTS))) -newer "$(STAMP)" -print 2>/dev/null | head -n 1)" ]; then fresh=; fi; \
	  if [ -n "$$fresh" ]; then echo "==> reusing the zips from this sam build (.build/lambda)"; exit 0; fi; \
	  touch "$(STAMP).new"; \
	  ./build.sh $(BUILD_FLAGS); \
	  mv "$(STAMP).new" "$(STAMP)"'
