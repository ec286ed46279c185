#!/bin/sh
# Run once by the postgres image when its data volume is new (/docker-entrypoint-initdb.d):
# the two roles of docs/configuration.md's "Least privilege", and the database the owner owns.
# `homegroup migrate` (the migrate service, as the owner) then grants the application's role
# what it may do.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$HOMEGROUP_OWNER_DB_PASSWORD" \
    -v app_password="$HOMEGROUP_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE homegroup_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE homegroup_app LOGIN PASSWORD :'app_password';
CREATE DATABASE homegroup OWNER homegroup_owner;
REVOKE ALL ON DATABASE homegroup FROM PUBLIC;
GRANT CONNECT ON DATABASE homegroup TO homegroup_app;
SQL
