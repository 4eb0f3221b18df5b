"""The download of a MovieLens dataset into a data folder (the folder's checks: data_files).

GroupLens publishes each dataset as `<name>.zip` with its md5 in `<name>.zip.md5`; the zip holds
one folder `<name>/` with the CSV files. A download is streamed to a temporary file, checked
against the published md5 and only then unpacked, so a failed download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ml import UserError
from ml.tools.data_files import DATA_DIR_HINT, DATA_FILES, REQUIRED_FILES, absent_files, check_data_dir

DATASETS = ("ml-latest-small", "ml-25m")
DEFAULT_BASE_URL = "https://files.grouplens.org/datasets/movielens"
# a download is streamed in pieces of this size: its memory stays flat whatever the zip's size
CHUNK_BYTES = 1 << 20


class DownloadError(UserError):
    """The dataset could not be fetched or failed its checks."""


def ensure_data(
    data_dir: Path,
    dataset: str | None,
    base_url: str = DEFAULT_BASE_URL,
    progress: Callable[[int, int | None], None] | None = None,
) -> str:
    """Make sure `data_dir` holds the MovieLens files; download `dataset` if it holds none.

    A folder holding some files but not the required ones is an error, never overwritten. Returns
    what was done. (An optional file absent is said by dbt's build, once.)
    """
    if dataset and len(absent_files(data_dir)) == len(DATA_FILES):
        download_dataset(dataset, data_dir, base_url=base_url, progress=progress)
        action = f"downloaded {dataset} into {data_dir}"
    else:
        action = f"using MovieLens files in {data_dir}"
    check_data_dir(data_dir)
    return action


def parse_md5_file(text: str) -> str:
    """The checksum of an md5 file, in either `<hex>  name` or `MD5 (name) = <hex>` form."""
    match = re.search(r"\b([0-9a-fA-F]{32})\b", text)
    if not match:
        raise DownloadError(f"no md5 checksum found in '{text.strip()[:80]}'")
    return match.group(1).lower()


def _open(url: str, timeout: float):
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"could not download {url}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(
            f"could not download {url} ({reason}); without network, {DATA_DIR_HINT}"
        ) from error


def download_dataset(
    dataset: str,
    data_dir: Path,
    base_url: str = DEFAULT_BASE_URL,
    timeout: float = 60.0,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[Path]:
    """Download `<base_url>/<dataset>.zip`, check its published md5, unpack its files into
    `data_dir`; return the files written."""
    if dataset not in DATASETS:
        raise DownloadError(f"unknown dataset '{dataset}'; choose one of {', '.join(DATASETS)}")
    zip_url = f"{base_url.rstrip('/')}/{dataset}.zip"
    with _open(zip_url + ".md5", timeout) as response:
        expected_md5 = parse_md5_file(response.read().decode("utf-8", "replace"))

    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{dataset}-", dir=data_dir) as scratch:
        zip_path = Path(scratch) / f"{dataset}.zip"
        _fetch(zip_url, zip_path, expected_md5, timeout, progress)
        return _unpack(zip_path, dataset, data_dir, Path(scratch) / "unpacked")


def _fetch(
    url: str,
    target: Path,
    expected_md5: str,
    timeout: float,
    progress: Callable[[int, int | None], None] | None,
) -> None:
    digest = hashlib.md5()  # matches the md5 GroupLens publishes
    received = 0
    with _open(url, timeout) as response, target.open("wb") as out:
        length_header = response.headers.get("Content-Length")
        expected_bytes = int(length_header) if length_header else None
        try:
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if progress:
                    progress(received, expected_bytes)
        except (OSError, http.client.HTTPException) as error:  # connection cut mid-body
            raise DownloadError(f"download of {url} broke off after {received:,} bytes ({error})") from error
    if expected_bytes is not None and received != expected_bytes:
        raise DownloadError(f"download of {url} is truncated: {received:,} of {expected_bytes:,} bytes")
    actual_md5 = digest.hexdigest()
    if actual_md5 != expected_md5:
        raise DownloadError(
            f"checksum mismatch for {url}: md5 {actual_md5}, published {expected_md5}; nothing was unpacked"
        )


def _unpack(zip_path: Path, dataset: str, data_dir: Path, scratch: Path) -> list[Path]:
    """Extract the files of the zip's `<dataset>/` folder flat into `data_dir`."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as error:
        raise DownloadError(f"{zip_path.name} is not a valid zip ({error})") from error
    written = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        names = {PurePosixPath(m.filename).name for m in members}
        absent = [name for name in REQUIRED_FILES if name not in names]
        if absent:
            raise DownloadError(f"{zip_path.name} lacks {', '.join(absent)}")
        scratch.mkdir()
        for member in members:
            path = PurePosixPath(member.filename)
            if path.is_absolute() or ".." in path.parts or len(path.parts) > 2:
                raise DownloadError(f"{zip_path.name} holds an unexpected path {member.filename!r}")
            if len(path.parts) == 2 and path.parts[0] != dataset:
                raise DownloadError(f"{zip_path.name} holds {member.filename!r} outside {dataset}/")
            with archive.open(member) as source, (scratch / path.name).open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK_BYTES)
    # every file is complete before the first one is moved into place
    for staged in sorted(scratch.iterdir()):
        destination = data_dir / staged.name
        staged.replace(destination)
        written.append(destination)
    return written


def print_progress(received: int, total: int | None) -> None:
    """Progress line on stderr for an interactive download."""
    done = f"{received / 1e6:,.1f} MB"
    line = f"\r  {done} of {total / 1e6:,.1f} MB" if total else f"\r  {done}"
    sys.stderr.write(line)
    if total and received >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
