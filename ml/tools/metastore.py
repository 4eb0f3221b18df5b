"""The PostgreSQL database of the Hive metastore with METASTORE=postgres: a database cluster of the
project's own under `<state dir>/services/metastore/`, started and stopped as a service of
ml.tools.spark_cluster (`python -m ml cluster up`, first of all).

What Spark connects with (URL, driver, role, the JDBC jar) is the profile's (profiles/profiles.yml);
this module reads it from there and makes what it names:

- `data/`: the database cluster (initdb), serving 127.0.0.1 only, no Unix socket. pg_hba.conf
  admits one role, the metastore's (not a superuser), to its one database, with a password
  (scram-sha-256); the superuser logs in nowhere: the role and database are made in single-user
  mode, by the folder's owner;
- `conf/hive-site.xml`: the role's password, readable by its owner only, on the Spark driver's
  class path (the profile), where Spark and Hive look for the file;
- the metastore's schema, made once when the database is new (DataNucleus's SchemaTool, from the
  Hive metastore jar of the pyspark wheel): Hive's lazy creation on first use deadlocks there.

PostgreSQL refuses to run as root: as root, the database folder belongs to the `postgres` user of
Debian's package and the server runs as it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ml import PROJECT_DIR, UserError
from ml.warehouse.session import METASTORE_URL_KEY

HOST = "127.0.0.1"
ROLE_KEY = "spark.hadoop.javax.jdo.option.ConnectionUserName"
DRIVER_KEY = "spark.hadoop.javax.jdo.option.ConnectionDriverName"
CLASSPATH_KEY = "spark.driver.extraClassPath"
PASSWORD_PROPERTY = "javax.jdo.option.ConnectionPassword"
INSTALL_HINT = "`make metastore` installs them (as root: apt-get install postgresql libpostgresql-jdbc-java)"
# the OS user that runs PostgreSQL when we are root (Debian's package makes it)
SERVICE_USER = "postgres"
SETUP_TIMEOUT_SECONDS = 300
DATANUCLEUS_ADAPTERS = "org.datanucleus.store.rdbms.adapter"


@dataclass(frozen=True)
class Metastore:
    """The database the settings name, and the folder of the cluster serving it."""

    folder: Path
    port: int
    database: str
    role: str
    jdbc_jar: Path

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def site_file(self) -> Path:
        return self.folder / "conf" / "hive-site.xml"

    @property
    def schema_made(self) -> Path:
        """Written once the schema is made: a database without it gets it made (again)."""
        return self.folder / "schema.made"

    @property
    def initialized(self) -> Path:
        return self.folder / "database.made"


def from_conf(conf: dict[str, str], folder: Path) -> Metastore:
    """The metastore of the Spark settings `conf`, served from `folder`. The class path must hold
    the JDBC jar and the folder's conf/ (the profile puts them there)."""
    url = urlsplit(conf[METASTORE_URL_KEY].removeprefix("jdbc:"))
    if url.hostname != HOST:
        raise UserError(f"the metastore's URL points at {url.hostname}; the project's own serves {HOST} only")
    classpath = conf.get(CLASSPATH_KEY, "").split(":")
    metastore = Metastore(
        folder=folder,
        port=url.port or 5432,
        database=url.path.lstrip("/"),
        role=conf[ROLE_KEY],
        jdbc_jar=Path(next((entry for entry in classpath if entry.endswith(".jar")), "")),
    )
    # the profile's relative paths are the project root's, as for dbt
    entries = {(PROJECT_DIR / entry).resolve() for entry in classpath if entry}
    if metastore.site_file.parent.resolve() not in entries:
        raise UserError(f"{CLASSPATH_KEY} does not hold {metastore.site_file.parent} (profiles/profiles.yml)")
    return metastore


def bin_dir() -> Path:
    """The folder of PostgreSQL's programs (Debian keeps them off the PATH, per version)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    if found := shutil.which("initdb"):
        return Path(found).parent
    raise UserError(f"PostgreSQL's programs (initdb, postgres) are not installed; {INSTALL_HINT}")


def service_user() -> dict[str, Any]:
    """subprocess options that run a PostgreSQL program as its service user (when we are root)."""
    if os.geteuid() != 0:
        return {}
    return {"user": SERVICE_USER, "group": SERVICE_USER, "extra_groups": []}


def command(metastore: Metastore) -> list[str]:
    """The server's command line: in the foreground, on 127.0.0.1 and the port only."""
    return [
        str(bin_dir() / "postgres"),
        *("-D", str(metastore.data_dir)),
        *("-p", str(metastore.port)),
        *("-c", f"listen_addresses={HOST}"),
        *("-c", "unix_socket_directories="),
    ]


def ready(metastore: Metastore) -> bool:
    """Whether the server accepts connections."""
    probe = [str(bin_dir() / "pg_isready"), "-q", "-h", HOST, "-p", str(metastore.port)]
    probe += ["-U", metastore.role, "-d", metastore.database]  # whom pg_hba.conf admits: no refusal logged
    return subprocess.run(probe, timeout=10).returncode == 0


def check_installed(metastore: Metastore) -> None:
    bin_dir()
    if not metastore.jdbc_jar.is_file():
        raise UserError(f"the PostgreSQL JDBC driver {metastore.jdbc_jar} is not installed; {INSTALL_HINT}")


def check_reachable(folder: Path) -> None:
    """UserError unless the service user can pass through every folder down to `folder`."""
    for parent in [*reversed(folder.resolve().parents), folder.resolve()]:
        if not parent.stat().st_mode & 0o001:
            raise UserError(
                f"PostgreSQL runs as the user {SERVICE_USER}, which cannot pass through {parent} "
                f"to the metastore's folder {folder}: allow it (chmod o+x) or choose another "
                "MOVIELENS_SPARK_DIR"
            )


def run(step: str, arguments: list[str], stdin: str | None = None, **options: Any) -> None:
    """A set-up program; UserError with its output if it fails."""
    result = subprocess.run(
        arguments, input=stdin, capture_output=True, text=True, timeout=SETUP_TIMEOUT_SECONDS, **options
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise UserError(f"the metastore's {step} failed (exit {result.returncode}):\n{output[-3000:]}")


def initialize(metastore: Metastore) -> None:
    """The database cluster, the role and its database, and the password file, unless made."""
    if metastore.initialized.exists():
        return
    check_installed(metastore)
    shutil.rmtree(metastore.data_dir, ignore_errors=True)  # what an interrupted set-up of ours left
    metastore.data_dir.mkdir(parents=True, mode=0o700)
    if service_user():
        check_reachable(metastore.data_dir.parent)
        shutil.chown(metastore.data_dir, SERVICE_USER, SERVICE_USER)
    initdb = [str(bin_dir() / "initdb"), "-D", str(metastore.data_dir), "--auth=reject", "--locale=C"]
    run("initdb", [*initdb, "--encoding=UTF8"], **service_user())
    (metastore.data_dir / "pg_hba.conf").write_text(
        "# written by ml/tools/metastore.py: the metastore's role, to its database, with its password\n"
        f"host {metastore.database} {metastore.role} {HOST}/32 scram-sha-256\n"
    )
    password = secrets.token_urlsafe(24)
    single_user = [str(bin_dir() / "postgres"), "--single", "-D", str(metastore.data_dir), "postgres"]
    statements = (
        f"create role {metastore.role} login nosuperuser password '{password}'\n"
        f"create database {metastore.database} owner {metastore.role} encoding 'UTF8'\n"
    )
    run("role and database", single_user, stdin=statements, **service_user())
    write_password_file(metastore.site_file, password)
    metastore.initialized.write_text("")


def write_password_file(path: Path, password: str) -> None:
    """hive-site.xml with the role's password only, readable by its owner alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(
            '<?xml version="1.0"?>\n'
            "<!-- written by ml/tools/metastore.py: the metastore role's password -->\n"
            f"<configuration><property><name>{PASSWORD_PROPERTY}</name>"
            f"<value>{escape(password)}</value></property></configuration>\n"
        )


def password(metastore: Metastore) -> str:
    text = metastore.site_file.read_text()
    return text.split("<value>", 1)[1].split("</value>", 1)[0]


def make_schema(metastore: Metastore, conf: dict[str, str], java: str, spark_jars: Path) -> None:
    """The metastore's tables in the (running) database, unless made: DataNucleus's SchemaTool on
    the Hive metastore's JDO mapping, with the identifiers Hive's client expects."""
    if metastore.schema_made.exists():
        return
    work = metastore.folder / "schema-tool"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)
    hive_jar = next(spark_jars.glob("hive-metastore-*.jar"))
    with zipfile.ZipFile(hive_jar) as jar:
        (work / "package.jdo").write_bytes(jar.read("package.jdo"))
    properties = {
        "javax.jdo.option.ConnectionURL": conf[METASTORE_URL_KEY],
        "javax.jdo.option.ConnectionDriverName": conf[DRIVER_KEY],
        "javax.jdo.option.ConnectionUserName": metastore.role,
        PASSWORD_PROPERTY: password(metastore),
        "datanucleus.schema.autoCreateAll": "true",
        "datanucleus.identifierFactory": "datanucleus1",
        "datanucleus.rdbms.datastoreAdapterClassName": f"{DATANUCLEUS_ADAPTERS}.PostgreSQLAdapter",
    }
    props = work / "schema.properties"
    props.touch(mode=0o600)
    props.write_text("".join(f"{key}={value}\n" for key, value in properties.items()))
    classpath = f"{spark_jars}/*:{metastore.jdbc_jar}"
    tool = [java, "-cp", classpath, "org.datanucleus.store.schema.SchemaTool", "-create", "-api", "JDO"]
    try:
        run("schema", [*tool, "-props", str(props), str(work / "package.jdo")], cwd=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    metastore.schema_made.write_text("")
