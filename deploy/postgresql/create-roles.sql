-- The two roles and the database, created once by a PostgreSQL superuser with psql:
--
--   sudo -u postgres psql -X -v owner_role=tracker_owner -v app_role=tracker_app \
--        -v database=tracker -f deploy/postgresql/create-roles.sql
--
-- owner_role  owns the database and its schema; `flask db upgrade` runs as this role.
-- app_role    the web app's login role; `flask db-roles grant` (run as the owner after every
--             upgrade) gives it rows to read and write, never the tables themselves.
--
-- Safe to run again: nothing that exists is created twice, and existing roles are left as
-- they are (`flask db-roles check` reports a role that has more power than it should).
-- Names go through psql's :'var' (a quoted literal) and format('%I') (a quoted
-- identifier), never pasted into SQL text. No passwords here: set them with \password, or
-- use peer or certificate authentication in pg_hba.conf.

\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
              :'owner_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner_role')
\gexec

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS',
              :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role')
\gexec

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0',
              :'database', :'owner_role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database')
\gexec

-- Only these two roles may connect (PUBLIC may by default).
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database')
\gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'database', :'app_role')
\gexec

\connect :"database"

-- Only the owner creates objects in the schema. PostgreSQL 15 and later already make
-- "public" belong to the database owner and refuse CREATE to everyone else; older
-- versions need both statements.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner_role')
 WHERE current_setting('server_version_num')::int < 150000
\gexec
