#!/bin/sh
# Entry point of the coturn container (docker/compose.yaml): turnserver.conf plus the values that
# exist only on this host. The shared secret is read from the docker secret into a private copy
# of the configuration, so it never appears in a process list or in `docker inspect`.
set -eu
secret_file=/run/secrets/turn_secret
if [ ! -r "$secret_file" ]; then
	echo "coturn: $secret_file is missing or not readable by uid $(id -u) (see docker/README.md)" >&2
	exit 2
fi
secret="$(tr -d '\r\n' < "$secret_file")"
if [ -z "$secret" ]; then
	echo "coturn: $secret_file is empty" >&2
	exit 2
fi
: "${PARLEY_PUBLIC_IP:?PARLEY_PUBLIC_IP is not set}"
: "${PARLEY_DOMAIN:?PARLEY_DOMAIN is not set}"
umask 077
conf="$(mktemp /tmp/turnserver.XXXXXX)"
{
	cat /etc/coturn/turnserver.conf
	printf 'static-auth-secret=%s\n' "$secret"
	printf 'realm=%s\n' "$PARLEY_DOMAIN"
	printf 'external-ip=%s\n' "$PARLEY_PUBLIC_IP"
	printf 'allowed-peer-ip=%s\n' "$PARLEY_PUBLIC_IP"
} > "$conf"
exec turnserver -c "$conf"
