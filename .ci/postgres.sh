# Starts a throwaway PostgreSQL cluster (Debian's packages, as root) and exports DATABASE_URL.
start_postgres() {
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  local bin="/usr/lib/postgresql/${version}/bin"
  local dir=/tmp/medledger-ci-pg
  local port=55432
  rm -rf "$dir" && mkdir -p "$dir" && chown postgres:postgres "$dir"
  su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres" >/dev/null
  su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start" >/dev/null
  su postgres -c "$bin/createdb -h 127.0.0.1 -p $port -U postgres medledger"
  export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/medledger"
  trap "su postgres -c '$bin/pg_ctl -D $dir/data -m fast stop' >/dev/null 2>&1 || true" EXIT
  echo "PostgreSQL ${version} on port ${port}"
}
