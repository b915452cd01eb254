#!/bin/sh
# Run Django's template tests against runnel; see README.md.
set -e
cd "$(dirname "$0")/../.."
: "${DJTESTS:=/tmp/djtests/tests}"
if [ ! -d "$DJTESTS/template_tests" ]; then
	echo "Django's tests are not in $DJTESTS (see README.md)" >&2
	exit 1
fi
go test -c -tags djangobridge -o "${DJBRIDGE:=/tmp/djbridge.test}" .
DJTESTS="$DJTESTS" DJBRIDGE="$DJBRIDGE" /usr/bin/python3 scripts/djangotests/driver.py "$@"
